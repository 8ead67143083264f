package bidcoretest

import "github.com/oasuite/sdk/internal/fakekit"

// Tamper makes the fake change every answer of the spec operation
// operationID: object keys named from are renamed to (from "" leaves the
// body alone) and, when status is not 0, the status code is replaced. It
// plays a vendor that drifted from the spec, for tests that prove response
// validation (WithResponseValidation) and `oasuite check` notice exactly
// that. ClearTampers undoes it.
func (s *Server) Tamper(operationID, from, to string, status int) {
	s.tampers.Add(fakekit.Tamper{OperationID: operationID, From: from, To: to, Status: status})
}

// ClearTampers removes every Tamper rule.
func (s *Server) ClearTampers() { s.tampers.Clear() }
