//! `track-match`: a vehicle's GPS track (a `tracks` fact) supports a trip on a
//! document — the same vehicle, starting at the origin's site and ending at the
//! destination's, inside the trip's time window, without long gaps or stops on
//! the way, and without a long detour.
//!
//! ```toml
//! [check]
//! kind = "track-match"
//! track = "/track_id"                    # the `tracks` fact's id
//! vehicle = "/carrier/vehicle_plate"     # optional: the track's vehicle
//! origin = "/consignor"                  # optional: a party with `site_id` / `credit_code`
//! destination = "/receiver"              # optional: likewise
//! max_end_km = "$track_end_max_km"       # with origin / destination
//! from = "/dispatched_at"                # optional: the time window
//! to = "/received_at"
//! slack_minutes = "$track_time_slack_minutes"   # optional, default 0
//! max_gap_minutes = "$track_max_gap_minutes"    # optional
//! max_stop_minutes = "$track_max_stop_minutes"  # optional
//! stop_radius_km = 0.2                   # optional, default 0.2
//! max_detour = "$track_max_detour_ratio" # optional: track length / straight distance
//! ```
//!
//! Each test that fails is one finding, naming the test (`{test}`, in both
//! languages), the measured value (`{measured}`), the limit (`{limit}`) and the
//! track (`{track}`):
//!
//! | test | finding at | fails when |
//! | --- | --- | --- |
//! | vehicle | `vehicle` | the track's `vehicle_plate` is another vehicle |
//! | start | `track` | the first point is more than `max_end_km` from the origin's site |
//! | end | `track` | the last point is more than `max_end_km` from the destination's site |
//! | time | `from` / `to` | a point lies before `from` or after `to` (± `slack_minutes`) |
//! | gap | `track` | two consecutive points are more than `max_gap_minutes` apart |
//! | stop | `track` | the vehicle stays within `stop_radius_km` for more than `max_stop_minutes`, away from both sites |
//! | detour | `track` | track length / straight distance between the sites (else the first and last points) is above `max_detour`; not measured under 1 km |
//!
//! A site is found in the `sites` facts by the party's `site_id`, else by its
//! `credit_code` (the site's `holder`). Distances are great-circle (haversine).
//! Skipped when the document names no track. Not evaluated when the host passed
//! no `tracks`, or not this one; the site tests are not evaluated (the others
//! still run) when a site is not known.

use super::{Args, Check, Finding, Kind, Ref, RunCx, Unevaluable};
use super::{Param as P, ParamType as T};
use crate::engine::fact_index::Found;
use crate::engine::track::distance_km;
use crate::model::Decimal;
use crate::model::node::{Node, NodeText, Record};
use serde_json::{Value, json};

pub const KIND: Kind = Kind {
    name: "track-match",
    offers: None,
    provides: &["test", "measured", "limit", "track"],
    params: PARAMS,
    finds: "each failed test of the GPS track: another vehicle; first / last point too far from the origin's / destination's site (`sites` facts); a point outside `from`–`to`; a gap or a stop away from the sites too long; track length / straight distance too high",
    compile,
};

/// The parameters of its `[check]` table.
const PARAMS: &[P] = &[
    P::required("track", T::Pointer, "the `tracks` fact's id"),
    P::optional("vehicle", T::Pointer, "the track's vehicle"),
    P::optional(
        "origin",
        T::Pointer,
        "a party with `site_id` / `credit_code` the track starts at",
    ),
    P::optional(
        "destination",
        T::Pointer,
        "a party with `site_id` / `credit_code` the track ends at",
    ),
    P::optional(
        "max_end_km",
        T::Decimal,
        "with `origin` / `destination`: the furthest the track's ends may be from the sites",
    ),
    P::optional("from", T::Pointer, "the start of the time window"),
    P::optional("to", T::Pointer, "the end of the time window"),
    P::optional("slack_minutes", T::Decimal, "the time window's slack").default("0"),
    P::optional(
        "max_gap_minutes",
        T::Decimal,
        "the longest gap between two points",
    ),
    P::optional(
        "max_stop_minutes",
        T::Decimal,
        "the longest stop away from the sites",
    ),
    P::optional(
        "stop_radius_km",
        T::Decimal,
        "how far a stopped vehicle may move",
    )
    .default("0.2"),
    P::optional(
        "max_detour",
        T::Decimal,
        "the highest track length / straight distance",
    ),
];

/// Under this straight distance a detour ratio means nothing.
const MIN_STRAIGHT_KM: f64 = 1.0;

#[derive(Debug)]
struct TrackMatch {
    track: Ref,
    vehicle: Option<Ref>,
    origin: Option<Ref>,
    destination: Option<Ref>,
    max_end_km: Option<f64>,
    from: Option<Ref>,
    to: Option<Ref>,
    slack_seconds: i64,
    max_gap_seconds: Option<i64>,
    max_stop_seconds: Option<i64>,
    stop_radius_km: f64,
    max_detour: Option<f64>,
}

fn number(args: &mut Args<'_>, key: &'static str) -> Option<f64> {
    let value = args.optional_decimal(key)?;
    let number = value.to_string().parse::<f64>().ok();
    if value.is_sign_negative() {
        args.problems.push(format!("`{key}` must not be negative"));
        return None;
    }
    number
}

fn minutes(args: &mut Args<'_>, key: &'static str) -> Option<i64> {
    number(args, key).map(|m| (m * 60.0).round() as i64)
}

fn compile(args: &mut Args<'_>) -> Option<Box<dyn Check>> {
    let track = args.field("track");
    let vehicle = args.optional_field("vehicle");
    let origin = args.optional_field("origin");
    let destination = args.optional_field("destination");
    let max_end_km = number(args, "max_end_km");
    let from = args.optional_field("from");
    let to = args.optional_field("to");
    let slack_seconds = minutes(args, "slack_minutes").unwrap_or(0);
    let max_gap_seconds = minutes(args, "max_gap_minutes");
    let max_stop_seconds = minutes(args, "max_stop_minutes");
    let stop_radius_km = number(args, "stop_radius_km").unwrap_or(0.2);
    let max_detour = number(args, "max_detour");
    if (origin.is_some() || destination.is_some()) && max_end_km.is_none() {
        args.problems
            .push("`max_end_km` is required with `origin` or `destination`".into());
    }
    if vehicle.is_none()
        && origin.is_none()
        && destination.is_none()
        && from.is_none()
        && to.is_none()
        && max_gap_seconds.is_none()
        && max_stop_seconds.is_none()
        && max_detour.is_none()
    {
        args.problems.push(
            "give at least one test: vehicle, origin, destination, from, to, max_gap_minutes, max_stop_minutes or max_detour".into(),
        );
    }
    Some(Box::new(TrackMatch {
        track: track?,
        vehicle,
        origin,
        destination,
        max_end_km,
        from,
        to,
        slack_seconds,
        max_gap_seconds,
        max_stop_seconds,
        stop_radius_km,
        max_detour,
    }))
}

fn km(value: f64) -> String {
    let rounded = match Decimal::from_f64_retain((value * 100.0).round() / 100.0) {
        Some(d) => d.round_dp(2).normalize().to_string(),
        None => beyond_decimal(value).to_owned(),
    };
    format!("{rounded} km")
}

/// `value` to two decimal places, as `format!("{:.2}")` writes it (ties to even),
/// but through `Decimal`: a float written with a precision brings the standard
/// library's float formatting (≈ 15 KB) into the browser module for this message
/// alone.
fn two_places(value: f64) -> String {
    match Decimal::from_f64_retain(value) {
        Some(d) => format!("{:.2}", d.round_dp(2)),
        None => beyond_decimal(value).to_owned(),
    }
}

/// What a distance or ratio beyond `Decimal` (NaN, infinite, over 7.9e28) is
/// written as: never a measured one, since distances on the Earth are bounded.
fn beyond_decimal(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value < 0.0 {
        "-∞"
    } else {
        "∞"
    }
}

fn duration(seconds: i64) -> Value {
    let minutes = (seconds + 30) / 60;
    json!({"zh-CN": format!("{minutes} 分钟"), "en": format!("{minutes} min")})
}

fn both(zh: &str, en: &str) -> Value {
    json!({"zh-CN": zh, "en": en})
}

fn local_time(seconds: i64, like: &crate::model::DateTime) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |t| t.with_timezone(like.0.offset()).to_rfc3339(),
    )
}

impl TrackMatch {
    /// The site of a party: by `site_id`, else by `credit_code`. `Err` when the
    /// host passed no sites, or none of this party.
    fn site(&self, cx: &RunCx<'_>, party: &Ref) -> Result<Option<(f64, f64)>, String> {
        let node = cx.get(party);
        let site_id = node.member("site_id").text();
        let holder = node.member("credit_code").text();
        if site_id.is_none() && holder.is_none() {
            return Ok(None);
        }
        let by = |key: &str, value: &Option<NodeText<'_>>| {
            let value = value.as_deref()?;
            cx.facts.find("sites", key, value).and_then(Found::first)
        };
        if !matches!(cx.facts.member("sites"), Node::List(_)) {
            return Err("no `sites` facts were passed".into());
        }
        let position = |site: &Node<'_>| match (site.member("lat"), site.member("lon")) {
            (Node::Number(lat), Node::Number(lon)) => Some((lat, lon)),
            _ => None,
        };
        let found = by("id", &site_id)
            .or_else(|| by("holder", &holder))
            .map(|(_, site)| site);
        match found.as_ref().and_then(position) {
            Some(at) => Ok(Some(at)),
            None => Err(format!(
                "no site of {} is among the `sites` facts",
                site_id.or(holder).unwrap_or_default()
            )),
        }
    }
}

impl Check for TrackMatch {
    fn run(&self, cx: &RunCx<'_>, out: &mut Vec<Finding>) -> Result<(), Unevaluable> {
        let Some(track_id) = cx.get(&self.track).text() else {
            return Ok(());
        };
        let Some(found) = cx.facts.find("tracks", "id", &track_id) else {
            return Err(Unevaluable::facts_missing("tracks"));
        };
        let Some((position, track)) = found.first() else {
            return Err(Unevaluable::fact_not_found(format!(
                "track {track_id} is not among the `tracks` facts"
            )));
        };
        // Written out only for a finding.
        let track_path = || cx.path(&self.track);
        let finding = |path: String, test: Value, measured: Value, limit: Value| Finding {
            path,
            params: crate::sorting::map_from([
                ("test".to_owned(), test),
                ("measured".to_owned(), measured),
                ("limit".to_owned(), limit),
                (
                    "track".to_owned(),
                    Value::String(track_id.clone().into_owned()),
                ),
            ]),
            severity: None,
            offered: Default::default(),
        };

        // Vehicle.
        if let Some(vehicle) = &self.vehicle
            && let (Some(expected), Some(tracked)) =
                (cx.get(vehicle).text(), track.member("vehicle_plate").text())
            && expected != tracked
        {
            out.push(finding(
                cx.path(vehicle),
                both("车辆", "vehicle"),
                Value::String(tracked.into_owned()),
                Value::String(expected.into_owned()),
            ));
        }

        let Some(prepared) = cx.facts.track(position) else {
            return Ok(());
        };
        let fixes = &prepared.fixes;
        let (Some(first), Some(last)) = (fixes.first().copied(), fixes.last().copied()) else {
            return Ok(());
        };
        let mut unknown = Vec::new();
        let mut site = |party: &Option<Ref>| match party {
            None => None,
            Some(party) => self.site(cx, party).unwrap_or_else(|e| {
                unknown.push(e);
                None
            }),
        };
        let origin = site(&self.origin);
        let destination = site(&self.destination);
        let max_end = self.max_end_km.unwrap_or(f64::INFINITY);

        // Start and end.
        for ((zh, en), site, fix) in [
            (("起点", "start"), origin, first),
            (("终点", "end"), destination, last),
        ] {
            if let Some(site) = site {
                let d = distance_km(fix.at, site);
                if d > max_end {
                    out.push(finding(
                        track_path(),
                        both(zh, en),
                        Value::String(km(d)),
                        Value::String(km(max_end)),
                    ));
                }
            }
        }

        // Time window.
        for (bound, fix, before) in [(&self.from, first, true), (&self.to, last, false)] {
            let Some(bound) = bound else { continue };
            let Node::DateTime(at) = cx.get(bound) else {
                continue;
            };
            let limit = at.0.timestamp();
            let outside = if before {
                fix.t < limit - self.slack_seconds
            } else {
                fix.t > limit + self.slack_seconds
            };
            if outside {
                out.push(finding(
                    cx.path(bound),
                    both("时间", "time"),
                    Value::String(local_time(fix.t, at)),
                    Value::String(at.to_string()),
                ));
            }
        }

        // Gaps.
        if let Some(max) = self.max_gap_seconds
            && let Some(gap) = prepared.longest_gap_seconds
            && gap > max
        {
            out.push(finding(
                track_path(),
                both("信号中断", "gap"),
                duration(gap),
                duration(max),
            ));
        }

        // Stops away from both sites.
        if let Some(max) = self.max_stop_seconds {
            let near_site = |at: (f64, f64)| {
                [origin, destination]
                    .into_iter()
                    .flatten()
                    .any(|s| distance_km(at, s) <= max_end)
            };
            let longest = prepared
                .stays(self.stop_radius_km)
                .iter()
                .filter(|stay| !near_site(stay.at))
                .map(|stay| stay.seconds)
                .fold(0, i64::max);
            if longest > max {
                out.push(finding(
                    track_path(),
                    both("途中停留", "stop"),
                    duration(longest),
                    duration(max),
                ));
            }
        }

        // Detour.
        if let Some(max) = self.max_detour {
            let straight = match (origin, destination) {
                (Some(a), Some(b)) => distance_km(a, b),
                _ => distance_km(first.at, last.at),
            };
            let length = prepared.length_km;
            if straight >= MIN_STRAIGHT_KM {
                let ratio = length / straight;
                if ratio > max {
                    out.push(finding(
                        track_path(),
                        both("绕行", "detour"),
                        json!({
                            "zh-CN": format!("{}（轨迹 {}，直线 {}）", two_places(ratio), km(length), km(straight)),
                            "en": format!("{} (track {}, straight {})", two_places(ratio), km(length), km(straight)),
                        }),
                        Value::String(two_places(max)),
                    ));
                }
            }
        }

        if unknown.is_empty() {
            Ok(())
        } else {
            Err(Unevaluable::fact_not_found(format!(
                "the site tests were not run: {}",
                unknown.join("; ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paths, run};
    use crate::engine::track::distance_km;
    use serde_json::{Value, json};

    const CHECK: &str = r#"kind = "track-match"
track = "/track_id"
vehicle = "/carrier/vehicle_plate"
origin = "/consignor"
destination = "/receiver"
max_end_km = 2
from = "/dispatched_at"
to = "/received_at"
slack_minutes = 10
max_gap_minutes = 30
max_stop_minutes = 40
max_detour = 1.2"#;

    #[test]
    fn two_places_writes_what_the_float_formatting_writes() {
        let mut values = vec![
            0.0,
            0.125,
            0.135,
            1.005,
            2.675,
            0.5,
            1.5,
            2.5,
            1e10 / 3.0,
            12_345.678_9,
        ];
        values.extend((0..2000).map(|i| f64::from(i) * 0.001 + 1.0));
        values.extend((1..200).map(|i| 40_000.0 / f64::from(i)));
        for value in values {
            assert_eq!(super::two_places(value), format!("{value:.2}"), "{value}");
        }
        assert_eq!(super::two_places(f64::INFINITY), "∞");
        assert_eq!(super::two_places(f64::NAN), "NaN");
    }

    fn doc(plate: &str) -> Value {
        json!({"kind": "manifest", "track_id": "T1",
            "consignor": {"credit_code": "91330602MA2BQ81HXG", "site_id": "S-A"},
            "receiver": {"credit_code": "91330604MA2JL6C3X2"},
            "carrier": {"vehicle_plate": plate},
            "dispatched_at": "2026-03-03T08:00:00+08:00",
            "received_at": "2026-03-03T10:00:00+08:00"})
    }

    fn facts(points: Value) -> Value {
        json!({
            "tracks": [{"id": "T1", "vehicle_plate": "浙D12345", "points": points}],
            "sites": [
                {"id": "S-A", "holder": "91330602MA2BQ81HXG", "lat": 30.0, "lon": 120.5},
                {"id": "S-B", "holder": "91330604MA2JL6C3X2", "lat": 30.0, "lon": 120.7}
            ]
        })
    }

    fn point(t: &str, lat: f64, lon: f64) -> Value {
        json!({"t": format!("2026-03-03T{t}:00+08:00"), "lat": lat, "lon": lon})
    }

    fn good() -> Value {
        json!([
            point("08:00", 30.0, 120.5),
            point("08:20", 30.0, 120.56),
            point("08:40", 30.0, 120.62),
            point("09:00", 30.0, 120.68),
            point("09:10", 30.0, 120.7)
        ])
    }

    #[test]
    fn a_good_track_passes() {
        let found = run(CHECK, None, doc("浙D12345"), Some(facts(good())))
            .unwrap()
            .unwrap();
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn each_test_names_itself_and_its_measure() {
        let points = json!([
            point("07:00", 30.1, 120.5),
            point("08:30", 30.05, 120.55),
            point("09:00", 30.05, 120.5501),
            point("09:50", 30.05, 120.5502),
            point("10:30", 30.2, 120.7)
        ]);
        let found = run(CHECK, None, doc("浙D99999"), Some(facts(points)))
            .unwrap()
            .unwrap();
        let tests: Vec<&str> = found
            .iter()
            .map(|f| f.params["test"]["en"].as_str().unwrap())
            .collect();
        assert_eq!(
            tests,
            [
                "vehicle", "start", "end", "time", "time", "gap", "stop", "detour"
            ]
        );
        assert_eq!(
            paths(&found)[..5],
            [
                "/carrier/vehicle_plate",
                "/track_id",
                "/track_id",
                "/dispatched_at",
                "/received_at"
            ]
        );
        assert_eq!(found[0].params["measured"], "浙D12345");
        assert_eq!(found[1].params["measured"], "11.12 km");
        assert_eq!(found[5].params["measured"]["zh-CN"], "90 分钟");
        assert_eq!(found[6].params["measured"]["en"], "80 min");
    }

    #[test]
    fn missing_facts_are_not_a_pass() {
        let no_tracks = run(CHECK, None, doc("浙D12345"), Some(json!({"sites": []})))
            .unwrap()
            .unwrap_err();
        assert!(no_tracks.contains("tracks"));
        let mut no_sites = facts(good());
        no_sites.as_object_mut().unwrap().remove("sites");
        let outcome = run(CHECK, None, doc("浙D99999"), Some(no_sites)).unwrap();
        assert!(outcome.unwrap_err().contains("sites"));
        let none = run(CHECK, None, json!({"kind": "manifest"}), None)
            .unwrap()
            .unwrap();
        assert!(none.is_empty(), "no track named, nothing to check");
    }

    #[test]
    fn arguments_are_checked_at_load() {
        let problems = run(
            "kind = \"track-match\"\ntrack = \"/track_id\"\norigin = \"/consignor\"\nmax_gap_minutes = -1",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("max_end_km")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("negative")),
            "{problems:?}"
        );
        let nothing = run(
            "kind = \"track-match\"\ntrack = \"/track_id\"",
            None,
            json!({"kind": "manifest"}),
            None,
        )
        .unwrap_err();
        assert!(nothing[0].contains("at least one test"));
    }

    #[test]
    fn haversine() {
        let d = distance_km((0.0, 0.0), (0.0, 1.0));
        assert!((d - 111.195).abs() < 0.01, "{d}");
    }
}
