// vcsim for kiln's tests, built from Debian's golang-github-vmware-govmomi-dev (0.24.2), which ships the
// simulator library but no vcsim command. It serves a vCenter (SOAP /sdk, REST /rest, datastore /folder) on
// 127.0.0.1, prints its URL on the first line of stdout, and runs until stdin closes or a signal arrives.
// Usage: vcsim USER PASSWORD
package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
)

func main() {
	model := simulator.VPX()
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer model.Remove()
	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(os.Args[1], os.Args[2])}
	server := model.Service.NewServer()
	defer server.Close()
	fmt.Println(server.URL.String())

	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-signals:
	}
}
