package conductorone

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones are the same on every machine, with or without a zoneinfo

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// UpdateConnectorSchedule and the cron specs it checks.

// Schedule is a connector's sync schedule as UpdateConnectorSchedule sets it.
type Schedule struct {
	// CronSpec is five cron fields (minute hour day-of-month month day-of-week) or a
	// descriptor (@hourly, @daily, ...).
	CronSpec string `json:"cronSpec"`
	// Timezone is an IANA time zone name; "" is UTC.
	Timezone string `json:"timezone"`
}

// UpdateSchedule sets the connector's sync schedule (connectorSyncCronSchedule); nil clears
// it. A cron spec that does not parse, or a time zone that is not an IANA name, is a
// *CronError, and nothing changes. updatedAt moves only when the schedule changes; the
// schedule's start is kept.
func (s *Store) UpdateSchedule(appID, connectorID string, sch *Schedule) (fx.Connector, error) {
	if sch != nil {
		if err := checkSchedule(*sch); err != nil {
			return fx.Connector{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	e, err := s.st.lookup(appID, connectorID)
	if err != nil {
		return fx.Connector{}, err
	}
	old := e.c.ConnectorSyncCronSchedule
	var next *fx.CronSchedule
	if sch != nil {
		next = &fx.CronSchedule{CronSpec: sch.CronSpec, Timezone: sch.Timezone}
		if old != nil {
			next.Start = old.Start
		}
	}
	if (old == nil && next == nil) || (old != nil && next != nil && *old == *next) {
		return e.c.Clone(), nil
	}
	c := e.c.Clone()
	c.ConnectorSyncCronSchedule = next
	c.UpdatedAt = fx.Time(s.clock())
	s.own().insert(&entry{seq: e.seq, c: c})
	return c.Clone(), nil
}

func checkSchedule(sch Schedule) error {
	if sch.CronSpec == "" {
		return &RequiredError{Field: "cron.cronSpec"}
	}
	if reason := cronProblem(sch.CronSpec); reason != "" {
		return &CronError{Spec: sch.CronSpec, Reason: reason}
	}
	if sch.Timezone == "Local" || strings.ContainsAny(sch.Timezone, " \\") {
		return &CronError{Timezone: sch.Timezone}
	}
	if _, err := time.LoadLocation(sch.Timezone); err != nil {
		return &CronError{Timezone: sch.Timezone}
	}
	return nil
}

// scheduleProblems checks a stored connector's schedule as UpdateConnectorSchedule checks
// one, so that no -state file or Store.Put holds a schedule the API itself refuses.
func scheduleProblems(cs *fx.CronSchedule) []vendorapi.FieldError {
	if cs == nil {
		return nil
	}
	var ce *CronError
	switch err := checkSchedule(Schedule{CronSpec: cs.CronSpec, Timezone: cs.Timezone}); {
	case err == nil:
		return nil
	case errors.As(err, &ce) && ce.Reason == "":
		return []vendorapi.FieldError{{Field: "connectorSyncCronSchedule.timezone", Message: msgNotIANA}}
	case errors.As(err, &ce):
		return []vendorapi.FieldError{{Field: "connectorSyncCronSchedule.cronSpec", Message: ce.Reason}}
	default: // RequiredError: an empty spec
		return []vendorapi.FieldError{{Field: "connectorSyncCronSchedule.cronSpec", Message: msgEmpty}}
	}
}

// cronFields are the five fields of a cron spec: name, range, and the names a field may use
// instead of numbers (months and days of the week).
var cronFields = [5]struct {
	name     string
	min, max int
	names    []string
}{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{"day of week", 0, 7, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

var cronDescriptors = map[string]bool{"@yearly": true, "@annually": true, "@monthly": true, "@weekly": true, "@daily": true, "@midnight": true, "@hourly": true}

// cronProblem says what is wrong with a cron spec, "" for a valid one.
func cronProblem(spec string) string {
	if strings.HasPrefix(spec, "@") {
		if cronDescriptors[spec] {
			return ""
		}
		return reasonDescriptor
	}
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return fmt.Sprintf(reasonFieldCount, len(fields))
	}
	for i, f := range fields {
		if p := cronFieldProblem(i, f); p != "" {
			return fmt.Sprintf(reasonCronField, i+1, cronFields[i].name, f, p)
		}
	}
	return ""
}

func cronFieldProblem(i int, field string) string {
	def := cronFields[i]
	for item := range strings.SplitSeq(field, ",") {
		rng, step, hasStep := strings.Cut(item, "/")
		if hasStep {
			n, err := strconv.Atoi(step)
			if err != nil || n < 1 || n > def.max {
				return fmt.Sprintf(reasonCronStep, step, def.max)
			}
		}
		if rng == "*" || (rng == "?" && (i == 2 || i == 4)) {
			continue
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		a, p := cronValue(def.names, def.min, def.max, lo)
		if p != "" {
			return p
		}
		if !isRange {
			continue
		}
		b, p := cronValue(def.names, def.min, def.max, hi)
		if p != "" {
			return p
		}
		if b < a {
			return fmt.Sprintf(reasonCronBackward, rng)
		}
	}
	return ""
}

func cronValue(names []string, lo, hi int, s string) (int, string) {
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return i + lo, ""
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Sprintf(reasonCronValue, s, lo, hi)
	}
	return n, ""
}

type scheduleRequest struct {
	Cron *Schedule `json:"cron"`
}

// updateSchedule serves POST /api/v1/apps/{app_id}/connectors/{connector_id}/schedule.
func (a *API) updateSchedule(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in scheduleRequest
	if !a.decode(w, c, &in) {
		return
	}
	if _, err := a.store.UpdateSchedule(c.Params["app_id"], c.Params["connector_id"], in.Cron); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}
