// The pod sandbox process: holds the pod's namespaces and sleeps until it is told to stop.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	// Reap children (the sandbox is PID 1 when the pod shares its PID namespace).
	signal.Notify(make(chan os.Signal, 1), syscall.SIGCHLD)
	<-stop
}
