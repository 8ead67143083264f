// Package fleettest holds the fleet-mode tests: many operating-system
// processes sharing one rotating refresh token (auth/redisstore) and one
// request budget (ratelimit/redislimit) through a real redis-server.
//
// The test binary is its own helper: started again with OASUITE_FLEET_ROLE
// set, TestMain runs one fleet member instead of the tests. The parent test
// serves the fake vendor on loopback, starts redis-server (internal/redistest)
// and counts what the fake saw.
package fleettest
