// Package prelisten opens the command's listening socket while the process is still starting,
// so that a client connecting during start-up waits instead of being refused.
//
// Go initialises every package of a program before main runs, and in connectormock that is
// most of the start-up: kin-openapi's JSON Schema library compiles its meta-schemas and
// gofakeit fills its tables (about 20 ms together, and more on a busy machine). A client
// connecting meanwhile would be refused and would have to retry. This package depends on the
// standard library only, so Go initialises it before those (of the packages whose imports are
// initialised, Go initialises the first by import path), and its init listens on the address
// the command line or the environment asks for. Connections made during the rest of the
// start-up wait in the kernel's accept queue and are served as soon as main serves: the same
// effect as socket activation. main takes the socket with Take, which checks it against the
// fully parsed flags.
package prelisten

import (
	"net"
	"os"
	"strings"
	"testing"
)

// DefaultAddr is the command's listen address when neither -addr nor CONNECTORMOCK_ADDR
// gives one.
const DefaultAddr = "127.0.0.1:8080"

// EnvAddr is the environment variable of -addr.
const EnvAddr = "CONNECTORMOCK_ADDR"

// The socket init opened, and the address as the command line or environment spelt it.
var (
	opened     net.Listener
	openedAddr string
)

func init() {
	if testing.Testing() {
		return // a test binary's command line is not the command's
	}
	addr, ok := Addr(os.Args[1:], os.LookupEnv)
	if !ok {
		return
	}
	if l, err := net.Listen("tcp", addr); err == nil { // main reports the error when it listens
		opened, openedAddr = l, addr
	}
}

// Addr returns the listen address that args and the environment ask for, or false when the
// command will not serve (-h, -help, -version, -healthcheck) or -addr lacks its value. It
// reads only -addr, in the forms package flag accepts; main's full parse has the last word.
func Addr(args []string, lookup func(string) (string, bool)) (string, bool) {
	addr, given := "", false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		switch name {
		case "h", "help", "version", "healthcheck":
			return "", false
		case "addr":
			if !hasValue {
				if i+1 == len(args) {
					return "", false
				}
				i++
				value = args[i]
			}
			addr, given = value, true
		}
	}
	if given {
		return addr, true
	}
	if v, ok := lookup(EnvAddr); ok {
		return v, true
	}
	return DefaultAddr, true
}

// Take hands over the socket that init opened if it was opened for addr, the address of the
// parsed configuration. Otherwise it closes that socket, if any, and returns nil: main listens
// itself. Only the first call can return a socket.
func Take(addr string) *net.TCPListener {
	l, a := opened, openedAddr
	opened, openedAddr = nil, ""
	if l == nil {
		return nil
	}
	if a != addr {
		l.Close()
		return nil
	}
	return l.(*net.TCPListener)
}
