package main

import (
	"net"
	"sync/atomic"
	"time"
)

// drainGrace bounds how long a draining listener keeps accepting what is already queued, and
// how long the server then waits for those connections' requests before shutting down.
const drainGrace = 100 * time.Millisecond

// drainingListener lets graceful shutdown honour connections the kernel has already accepted.
// http.Server.Shutdown closes its listeners first, and closing a TCP listener resets every
// connection still queued in its backlog, whose clients have already sent their request; and a
// request read after Shutdown starts is dropped unanswered. So run first drains the listener:
// Accept hands the queued connections to the server until the queue is empty and the grace is
// over, then the socket closes and Serve returns; only then does Shutdown begin.
type drainingListener struct {
	*net.TCPListener
	draining atomic.Bool
}

// drain stops new connections after the queued ones are accepted (at most drainGrace). Where
// the system allows it, the socket first stops answering new connection attempts (see
// refuseNew), so that the queue empties for good and no client is reset at close.
func (l *drainingListener) drain() {
	if l.draining.CompareAndSwap(false, true) {
		refuseNew(l.TCPListener)
		if err := l.SetDeadline(time.Now().Add(drainGrace)); err != nil {
			l.TCPListener.Close()
		}
	}
}

// Accept returns queued connections while draining; once none is left it closes the socket
// and reports net.ErrClosed.
func (l *drainingListener) Accept() (net.Conn, error) {
	c, err := l.TCPListener.Accept()
	if err != nil && l.draining.Load() {
		l.TCPListener.Close()
		return nil, net.ErrClosed
	}
	return c, err
}
