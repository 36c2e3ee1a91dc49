//go:build race

package mock

// raceDetector is set when the tests run with -race: the differential tests, which are
// single-goroutine and gain nothing from it, then feed fewer bodies (CI runs with -race).
const raceDetector = true

// RaceDetector is raceDetector for the external test package.
const RaceDetector = raceDetector
