//go:build !linux

package main

import "net"

// refuseNew has no portable form: elsewhere the drain races with new connections.
func refuseNew(*net.TCPListener) {}
