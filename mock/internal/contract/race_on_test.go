//go:build race

package contract

// raceDetector is set when the tests run with -race: the differential tests, which are
// single-goroutine and gain nothing from it, then feed fewer bodies (CI runs with -race).
const raceDetector = true
