package fakekit

import "github.com/oasuite/sdk/fakes"

// Fault, Faults and Forever are the public fault types of package fakes, which
// the vendor fakes' AddFault take.
type (
	Fault  = fakes.Fault
	Faults = fakes.Faults
)

// Forever as Fault.Times keeps a fault active until Faults.Clear.
const Forever = fakes.Forever
