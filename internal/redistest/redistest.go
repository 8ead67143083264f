// Package redistest starts a real, throw-away redis-server for tests: on a
// free loopback port, in a temporary directory, without persistence, stopped
// when the test ends.
//
// The server binary comes from the Debian package redis-server (see
// [InstallHint]), found on PATH or named by OASUITE_REDIS_SERVER. When it is
// missing a test fails if the environment variable CI is set (the Redis tests
// must run in CI) and is skipped otherwise.
package redistest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// InstallHint is the command that installs the server on Debian and Ubuntu.
const InstallHint = "apt-get update && apt-get install -y redis-server"

// Server is a running redis-server.
type Server struct {
	// Addr is host:port on 127.0.0.1.
	Addr   string
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

// Binary returns the path of redis-server, or "" when it is not installed.
func Binary() string {
	if p := os.Getenv("OASUITE_REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		return ""
	}
	return p
}

// Start runs a redis-server for t and stops it when t ends. Without a
// redis-server binary it fails t when CI is set and skips t otherwise.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		msg := "redis-server not found; install it with: " + InstallHint
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: the Redis tests must run, not skip)")
		}
		t.Skip(msg)
	}
	var lastErr error
	for range 5 { // a free port may be taken between probe and bind
		s, err := start(bin, t.TempDir())
		if err == nil {
			t.Cleanup(s.Stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("redistest: starting redis-server: %v", lastErr)
	return nil
}

// Options returns go-redis client options that reach s.
func (s *Server) Options() *redis.Options {
	return &redis.Options{Addr: s.Addr, Protocol: 2, DisableIdentity: true}
}

// Client returns a go-redis client for s, closed when t ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(s.Options())
	t.Cleanup(func() { c.Close() })
	return c
}

// Stop terminates the server and waits for it to exit. It is called by the
// cleanup of [Start]; calling it again does nothing.
func (s *Server) Stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Log returns what the server printed (warnings and errors only).
func (s *Server) Log() string { return s.out.String() }

func start(bin, dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		Addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		out:    &syncBuffer{},
		exited: make(chan struct{}),
	}
	s.cmd = exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir,
		"--loglevel", "warning")
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	orphanProof(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()

	c := redis.NewClient(s.Options())
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("redis-server exited: %s", s.out.String())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("redis-server did not answer on %s: %w: %s", s.Addr, err, s.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for the writer goroutines of exec.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
