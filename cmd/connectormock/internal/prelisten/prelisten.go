// Package prelisten opens the command's listening socket while the process is still starting,
// so that a client connecting during start-up waits instead of being refused.
//
// Go initialises every package of a program before main runs, and in connectormock that is
// most of the start-up: kin-openapi's JSON Schema library compiles its meta-schemas and gofakeit
// registers its functions (about 15 ms together, and more on a busy machine). A client
// connecting meanwhile would be refused and would have to retry. This package depends on the
// standard library only, so Go initialises it before those (of the packages whose imports are
// initialised, Go initialises the first by import path; only gofakeit's data tables, which
// import nothing, come earlier), and its init listens on the address the command line or the
// environment asks for. Connections made during the rest of the start-up wait in the kernel's
// accept queue and are served as soon as main serves: the same effect as socket activation.
// main takes the socket with Take, which checks it against the fully parsed flags.
package prelisten

import (
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// DefaultAddr is the command's listen address when neither -addr nor CONNECTORMOCK_ADDR
// gives one.
const DefaultAddr = "127.0.0.1:8080"

// EnvPrefix prefixes the environment variable of every flag of the command.
const EnvPrefix = "CONNECTORMOCK_"

// BoolFlags are the command's flags that take no value; every other flag takes one, as the
// next argument unless given as -flag=value. (A test holds this to the command's flag set.)
var BoolFlags = []string{"no-admin", "version"}

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

// Addr returns the listen address that args and the environment ask for, as package flag and
// the command read them, or false when the command will not serve: -h, -help, -version or
// -healthcheck (or their variables), a flag without its value, or an argument that is not a
// flag (the command refuses those).
func Addr(args []string, lookup func(string) (string, bool)) (string, bool) {
	if v, ok := lookup(EnvPrefix + "HEALTHCHECK"); ok && v != "" {
		return "", false
	}
	if v, ok := lookup(EnvPrefix + "VERSION"); ok {
		if b, err := strconv.ParseBool(v); err != nil || b {
			return "", false
		}
	}
	addr, given := "", false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			return "", false
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		switch {
		case name == "h" || name == "help" || name == "version" || name == "healthcheck":
			return "", false
		case hasValue || slices.Contains(BoolFlags, name):
		case i+1 == len(args):
			return "", false
		default:
			i++
			value = args[i]
		}
		if name == "addr" {
			addr, given = value, true
		}
	}
	if given {
		return addr, true
	}
	if v, ok := lookup(EnvPrefix + "ADDR"); ok {
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
