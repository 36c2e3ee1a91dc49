package main

import (
	"net"
	"syscall"
)

// refuseNew attaches a socket filter that drops every packet reaching the listening socket:
// new SYNs go unanswered (the client retries, then finds the port closed and is refused)
// while connections already queued can still be accepted. Best effort: on failure the drain
// simply races with new connections, as without it.
func refuseNew(l *net.TCPListener) {
	raw, err := l.SyscallConn()
	if err != nil {
		return
	}
	dropAll := []syscall.SockFilter{{Code: 0x06 /* BPF_RET|BPF_K */, K: 0}}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.AttachLsf(int(fd), dropAll) //nolint:staticcheck // the x/net replacement is a new dependency
	})
}
