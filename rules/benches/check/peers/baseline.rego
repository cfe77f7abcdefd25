# The hand-written baseline's five rules (rules/benches/check/baseline.rs), written
# as a Rego author would, for the peers benchmark: evaluated by regorus over the
# same manifests. The input is {"manifest": …, "facts": {"licences": […]}}; the data
# is the catalogue (code → category), the working-day calendar and the chain's
# parameters, as a host would load them once.
#
# `findings` is a set of [rule, JSON Pointer] (a third member tells apart two
# findings of one rule at one place); `not_evaluated` a set of rules that
# could not decide. Like the engine, a rule reads only values of the right form:
# a waste code, category, credit code or date that is malformed is the structural
# checks' finding, not these rules'.
package wastecheck

import rego.v1

m := input.manifest

# What a host reads back: both sets in one evaluation.
result := {"findings": findings, "not_evaluated": not_evaluated}

# --- forms -------------------------------------------------------------------

# The hazardous categories' numbers: HW01–HW40 and HW45–HW50.
hazardous_number := `(0[1-9]|[1-3][0-9]|40|4[5-9]|50)`

code_ok(code) if {
	is_string(code)
	regex.match(concat("", [`^[0-9]{3}-[0-9]{3}-`, hazardous_number, `$`]), code)
}

category_ok(category) if {
	is_string(category)
	regex.match(concat("", [`^HW`, hazardous_number, `$`]), category)
}

# The general industrial categories: SW01–SW59.
category_ok(category) if {
	is_string(category)
	regex.match(`^SW(0[1-9]|[1-5][0-9])$`, category)
}

# GB 32100-2015: 18 characters of the set, the last a check character.
credit_charset := "0123456789ABCDEFGHJKLMNPQRTUWXY"

credit_weights := [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

credit_ok(code) if {
	is_string(code)
	regex.match(`^[0-9A-HJ-NPQRTUWXY]{18}$`, code)
	values := [indexof(credit_charset, substring(code, i, 1)) | some i in numbers.range(0, 17)]
	total := sum([(values[i] * credit_weights[i]) | some i in numbers.range(0, 16)])
	values[17] == (31 - (total % 31)) % 31
}

ns_per_day := ((24 * 60) * 60) * 1000000000

# A real `YYYY-MM-DD` date, as a day number.
day_of(text) := day if {
	is_string(text)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, text)
	day := floor(time.parse_ns("2006-01-02", text) / ns_per_day)
}

# An RFC 3339 date-time's local date (as written, in its own offset).
local_day_of(text) := day if {
	is_string(text)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`, text)
	time.parse_rfc3339_ns(text)
	day := day_of(substring(text, 0, 10))
}

# --- when the rules apply ----------------------------------------------------

dispatched := local_day_of(m.dispatched_at)

created := local_day_of(m.created_at)

# The legal date: dispatch, else creation.
as_of := dispatched if {
	dispatched
} else := created

in_force if not as_of

in_force if as_of >= day_of(data.params.pack_from)

# The transfer measures (转移办法) apply from their date.
transfer_rules if {
	in_force
	not as_of
}

transfer_rules if {
	in_force
	as_of >= day_of(data.params.transfer_rules_from)
}

valid_codes[i] := line.code if {
	some i, line in m.wastes
	code_ok(line.code)
}

# --- cn.catalogue.unknown-code -----------------------------------------------

findings contains ["cn.catalogue.unknown-code", sprintf("/wastes/%d/code", [i])] if {
	in_force
	some i, code in valid_codes
	not data.catalogue[code]
	not identified(m.wastes[i])
}

# A waste identified as hazardous (900-000-xx) is lawful with its report.
identified(line) if {
	startswith(line.code, "900-000-")
	line.identification_report != null
}

# --- cn.catalogue.category-mismatch ------------------------------------------

findings contains ["cn.catalogue.category-mismatch", sprintf("/wastes/%d/category", [i])] if {
	in_force
	some i, code in valid_codes
	declared := m.wastes[i].category
	category_ok(declared)
	declared != concat("", ["HW", substring(code, 8, 2)])
}

# --- cn.transfer.receiver-licence-scope --------------------------------------

holder := m.receiver.credit_code if credit_ok(m.receiver.credit_code)

scope_applies if {
	in_force
	holder
	dispatched
	count(valid_codes) > 0
}

not_evaluated contains "cn.transfer.receiver-licence-scope" if {
	scope_applies
	not is_array(input.facts.licences)
}

licences_in_force := [licence |
	some licence in input.facts.licences
	licence.holder == holder
	day_of(licence.valid_from) <= dispatched
	not ended(licence)
]

ended(licence) if day_of(licence.valid_until) < dispatched

scopes := [scope | some licence in licences_in_force; some scope in licence.scope]

covers_code(scope, code) if code in scope.codes

covers_code(scope, code) if concat("", ["HW", substring(code, 8, 2)]) in scope.categories

covers_method(scope, _) if not scope.methods

covers_method(scope, _) if scope.methods == null

covers_method(scope, method) if method in scope.methods

method_covered(i, _) if not m.wastes[i].method

method_covered(i, _) if m.wastes[i].method == null

method_covered(i, code) if {
	some scope in scopes
	covers_code(scope, code)
	covers_method(scope, m.wastes[i].method)
}

code_covered(code) if {
	some scope in scopes
	covers_code(scope, code)
}

findings contains ["cn.transfer.receiver-licence-scope", sprintf("/wastes/%d/code", [i])] if {
	scope_applies
	count(licences_in_force) > 0
	some i, code in valid_codes
	not code_covered(code)
}

findings contains ["cn.transfer.receiver-licence-scope", sprintf("/wastes/%d/method", [i])] if {
	scope_applies
	count(licences_in_force) > 0
	some i, code in valid_codes
	code_covered(code)
	not method_covered(i, code)
}

# --- cn.transfer.confirmation-late -------------------------------------------

received := local_day_of(m.received_at)

confirmed := local_day_of(m.confirmed_at)

confirmation_applies if {
	transfer_rules
	m.stage == "confirmed"
	received
	confirmed
}

# The days counted (after the earlier date, up to the later) must be in the
# calendar.
calendar_covers if {
	min([received, confirmed]) + 1 >= day_of(data.calendar.first)
	max([received, confirmed]) <= day_of(data.calendar.last)
}

not_evaluated contains "cn.transfer.confirmation-late" if {
	confirmation_applies
	confirmed != received
	not calendar_covers
}

# Monday–Friday, unless a holiday; a make-up workday on a weekend.
working(day) if {
	not data.calendar.off[sprintf("%d", [day])]
	weekday := (day + 3) % 7 # 1970-01-01 was a Thursday; Monday is 0
	weekday < 5
}

working(day) if data.calendar.work[sprintf("%d", [day])]

working_days := count([day |
	some day in numbers.range(received + 1, confirmed)
	working(day)
])

findings contains ["cn.transfer.confirmation-late", "/confirmed_at"] if {
	confirmation_applies
	confirmed > received
	calendar_covers
	working_days > data.params.confirmation_working_days
}

# --- cn.transfer.number-format -----------------------------------------------

# Fourteen digits, the 5th and 6th a province's code.
number_ok(number) if {
	is_string(number)
	regex.match(`^[0-9]{14}$`, number)
	substring(number, 4, 2) in provinces
}

provinces := {
	"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
	"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
	"65", "71", "81", "82",
}

# Two findings when both the year and the region are wrong, as the engine gives.
findings contains ["cn.transfer.number-format", "/number", "year"] if {
	transfer_rules
	number_ok(m.number)
	is_string(m.created_at)
	count(m.created_at) >= 4
	substring(m.number, 0, 4) != substring(m.created_at, 0, 4)
}

findings contains ["cn.transfer.number-format", "/number", "region"] if {
	transfer_rules
	number_ok(m.number)
	region := m.consignor.region
	is_string(region)
	count(region) == 6
	substring(m.number, 4, 4) != substring(region, 0, 4)
}
