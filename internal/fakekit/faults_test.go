package fakekit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultEnv serves the pet fake behind f, counting requests that reach the fake.
func faultEnv(t *testing.T, f *Faults) (*httptest.Server, *atomic.Int32, chan struct{}) {
	t.Helper()
	v, _ := petFake(t, NewOpCoverage())
	var reached atomic.Int32
	returned := make(chan struct{}, 16)
	inner := f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		v.ServeHTTP(w, r)
	}), v.OperationOf)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			select {
			case returned <- struct{}{}:
			default:
			}
		}()
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &reached, returned
}

func TestFault429ThenSuccess(t *testing.T) {
	f := &Faults{}
	srv, reached, _ := faultEnv(t, f)
	f.Add(Fault{Method: "GET", Path: "/v1/pets", Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond,
		JSON: map[string]string{"error": "slow down"}, Header: http.Header{"X-Ratelimit-Remaining": {"0"}}})
	a := do(t, "POST", srv.URL+"/v1/pets?store=a", "application/json", `{"name":"x"}`)
	if a.status != http.StatusCreated {
		t.Fatalf("POST hit a GET fault: %d", a.status)
	}
	a = do(t, "GET", srv.URL+"/v1/pets", "", "")
	if a.status != 429 || a.header.Get("Retry-After") != "2" || a.header.Get("X-Ratelimit-Remaining") != "0" ||
		a.header.Get("Content-Type") != "application/json" || string(a.body) != `{"error":"slow down"}` {
		t.Fatalf("fault answer: %d %v %s", a.status, a.header, a.body)
	}
	if a = do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 200 {
		t.Fatalf("after the fault: %d", a.status)
	}
	if f.Fired() != 1 || f.Pending() != 0 || reached.Load() != 2 {
		t.Fatalf("fired %d pending %d reached %d", f.Fired(), f.Pending(), reached.Load())
	}
}

func TestFaultRetryAfterDateTimesAndClear(t *testing.T) {
	f := &Faults{}
	srv, _, _ := faultEnv(t, f)
	when := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	f.Add(Fault{Status: 503, RetryAfterDate: when, Times: 2})
	for i := range 2 {
		a := do(t, "GET", srv.URL+"/v1/pets", "", "")
		if a.status != 503 || a.header.Get("Retry-After") != "Mon, 06 May 2030 07:08:09 GMT" {
			t.Fatalf("request %d: %d %q", i, a.status, a.header.Get("Retry-After"))
		}
	}
	if a := do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 200 {
		t.Fatalf("third request: %d", a.status)
	}
	f.Add(Fault{Status: 500, Times: Forever})
	for range 3 {
		if a := do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 500 {
			t.Fatalf("forever fault: %d", a.status)
		}
	}
	f.Clear()
	if a := do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 200 {
		t.Fatalf("after Clear: %d", a.status)
	}
}

func TestFaultByOperationID(t *testing.T) {
	f := &Faults{}
	srv, _, _ := faultEnv(t, f)
	f.Add(Fault{OperationID: "getPet", Status: 502})
	if a := do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 200 {
		t.Fatalf("listPets hit a getPet fault: %d", a.status)
	}
	if a := do(t, "GET", srv.URL+"/v1/pets/p9", "", ""); a.status != 502 {
		t.Fatalf("getPet: %d", a.status)
	}
}

func TestFaultDelayHonoursContext(t *testing.T) {
	f := &Faults{}
	srv, reached, returned := faultEnv(t, f)
	f.Add(Fault{Delay: time.Hour, Status: 500})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/pets", nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client error %v", err)
	}
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("delayed handler kept running after the client gave up")
	}
	if reached.Load() != 0 {
		t.Fatal("request passed through after its context ended")
	}
	// A delay without a status lets the request through.
	f.Add(Fault{Delay: time.Millisecond})
	if a := do(t, "GET", srv.URL+"/v1/pets", "", ""); a.status != 200 || reached.Load() != 1 {
		t.Fatalf("slow answer: %d, reached %d", a.status, reached.Load())
	}
}

func TestFaultDropConnection(t *testing.T) {
	f := &Faults{}
	srv, reached, _ := faultEnv(t, f)
	f.Add(Fault{Path: "/v1/pets", Drop: true})
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL + "/v1/pets")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	if reached.Load() != 0 {
		t.Fatal("dropped request reached the fake")
	}
	resp, err = client.Get(srv.URL + "/v1/pets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestFaultHang(t *testing.T) {
	f := &Faults{}
	srv, _, returned := faultEnv(t, f)
	f.Add(Fault{Hang: true, Times: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/pets", nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
	<-returned
	// Clear releases a hanging request.
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/v1/pets")
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for f.Fired() < 2 {
		time.Sleep(time.Millisecond)
	}
	f.Clear()
	if got := <-done; got != http.StatusOK {
		t.Fatalf("released request: %d", got)
	}
}

func TestFaultsConcurrentCount(t *testing.T) {
	f := &Faults{}
	srv, _, _ := faultEnv(t, f)
	f.Add(Fault{Status: 503, Times: 5})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/v1/pets")
			if err != nil {
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[503] != 5 || codes[200] != 15 {
		t.Fatalf("codes %v (want 5×503, 15×200)", codes)
	}
	if strconv.Itoa(f.Fired()) != "5" {
		t.Fatalf("Fired = %d", f.Fired())
	}
}
