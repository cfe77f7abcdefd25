//! GPS tracks: great-circle distances, and a track prepared once per set of facts
//! (fixes in time order, length, longest gap, stays) for the `track-match` check.

use crate::model::node::{ListNode, Node};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// One usable GPS fix: seconds since the epoch, and the position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fix {
    pub(crate) t: i64,
    pub(crate) at: (f64, f64),
    index: usize,
}

fn fixes(list: &dyn ListNode) -> Vec<Fix> {
    let mut out: Vec<Fix> = (0..list.len())
        .filter_map(|index| {
            let point = list.item(index);
            let (Node::DateTime(t), Node::Number(lat), Node::Number(lon)) =
                (point.member("t"), point.member("lat"), point.member("lon"))
            else {
                return None;
            };
            Some(Fix {
                t: t.0.timestamp(),
                at: (lat, lon),
                index,
            })
        })
        .collect();
    crate::sorting::sort_by_key(&mut out, |f| (f.t, f.index));
    out
}

/// A GPS track ready to compare with trips: its usable fixes in time order, its
/// length and its longest gap. They are the same for every document that names the
/// track, so they are worked out once per set of facts ([`IndexedFacts::track`]).
///
/// [`IndexedFacts::track`]: crate::engine::fact_index::IndexedFacts::track
#[derive(Debug)]
pub(crate) struct PreparedTrack {
    pub(crate) fixes: Vec<Fix>,
    pub(crate) length_km: f64,
    pub(crate) longest_gap_seconds: Option<i64>,
    /// The stays for the first stop radius asked (rules use one).
    stays: OnceLock<(f64, Vec<Stay>)>,
}

/// A stay: from the fix at `at`, the vehicle stayed within the stop radius for
/// `seconds` (more than none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stay {
    pub(crate) at: (f64, f64),
    pub(crate) seconds: i64,
}

/// The track cut into stays: each fix starts one, which runs while the next fixes
/// are within `radius_km` of it.
fn stays(fixes: &[Fix], radius_km: f64) -> Vec<Stay> {
    let mut out = Vec::new();
    let mut anchor = 0;
    while let Some(a) = fixes.get(anchor).copied() {
        let mut end = anchor;
        while let Some(next) = fixes.get(end + 1) {
            if distance_km(a.at, next.at) > radius_km {
                break;
            }
            end += 1;
        }
        if let Some(e) = fixes.get(end)
            && e.t > a.t
        {
            out.push(Stay {
                at: a.at,
                seconds: e.t - a.t,
            });
        }
        anchor = end + 1;
    }
    out
}

impl PreparedTrack {
    /// Prepares a track's `points` (no fixes when they are not a list).
    pub(crate) fn new(points: Node<'_>) -> Self {
        let fixes = match points {
            Node::List(list) => fixes(list),
            _ => Vec::new(),
        };
        let pairs = || fixes.iter().zip(fixes.iter().skip(1));
        PreparedTrack {
            length_km: pairs().map(|(a, b)| distance_km(a.at, b.at)).sum(),
            longest_gap_seconds: pairs().map(|(a, b)| b.t - a.t).max(),
            fixes,
            stays: OnceLock::new(),
        }
    }

    pub(crate) fn stays(&self, radius_km: f64) -> Cow<'_, [Stay]> {
        let (radius, cached) = self
            .stays
            .get_or_init(|| (radius_km, stays(&self.fixes, radius_km)));
        if *radius == radius_km {
            Cow::Borrowed(cached)
        } else {
            Cow::Owned(stays(&self.fixes, radius_km))
        }
    }
}
