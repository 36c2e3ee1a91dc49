//go:build !race

package mock

const raceDetector = false

// RaceDetector is raceDetector for the external test package.
const RaceDetector = raceDetector
