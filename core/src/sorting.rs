//! Sorting and map-building through one copy of the standard library's sort.
//!
//! Every `sort_by` (and every `collect()` into a `BTreeMap`, which sorts the pairs
//! before it builds the tree) compiles its own copy of the standard stable sort for
//! its element type, about 4 KB of the browser module each: 23 copies were 4 % of
//! its code. These helpers sort positions with one comparator type, so the sort is
//! compiled once, and build maps by inserting, which needs no sort at all. Both
//! give exactly what the standard calls give: a stable order, and the last value
//! for a repeated key.

use std::cmp::Ordering;

/// The positions `0..len` in the (stable) order `compare` gives them.
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// `items.sort_by(compare)`.
pub(crate) fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items = &*items;
        sorted_positions(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => compare(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    permute(items, order);
}

/// Puts `items` in `order` (`order[k]`: the position of the item that goes to `k`)
/// by following the permutation's cycles with swaps. A second vector of the items
/// would be a large block for a report's violations (about 320 B each), and glibc
/// sorts every small block freed so far on each request of 1,008 B or more.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        // A position already in place, or done in an earlier cycle, holds itself.
        while let Some(&from) = order.get(at)
            && from != at
        {
            if let Some(done) = order.get_mut(at) {
                *done = at;
            }
            if from == start || from >= items.len() {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `items.sort_by_key(key)`.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.collect()` into a map, by inserting each pair.
pub(crate) fn map_from<M: Default + Extend<P>, P>(items: impl IntoIterator<Item = P>) -> M {
    let mut map = M::default();
    map.extend(items);
    map
}

/// `items.collect::<Result<M, E>>()` into a map, by inserting each pair.
#[cfg_attr(not(feature = "scripts"), allow(dead_code))]
pub(crate) fn try_map_from<M: Default + Extend<P>, P, E>(
    items: impl IntoIterator<Item = Result<P, E>>,
) -> Result<M, E> {
    let mut map = M::default();
    for item in items {
        map.extend(std::iter::once(item?));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut items: Vec<(u8, usize)> = [3, 1, 2, 1, 3, 0, 2]
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i))
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|p| p.0);
        sort_by_key(&mut items, |p| p.0);
        assert_eq!(items, expected);
        let mut one = vec![7];
        sort_by(&mut one, |a: &i32, b| b.cmp(a));
        assert_eq!(one, [7]);
    }

    proptest::proptest! {
        /// Any list, with any number of ties, in the standard stable sort's order.
        #[test]
        fn sorts_any_list_like_the_standard_sort(keys in proptest::collection::vec(0u8..6, 0..40)) {
            let mut items: Vec<(u8, String)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (*k, i.to_string()))
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut items, |p| p.0);
            proptest::prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn maps_keep_the_last_value_like_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let built: BTreeMap<&str, i32> = map_from(pairs);
        assert_eq!(built, pairs.into_iter().collect::<BTreeMap<_, _>>());
        let failed: Result<BTreeMap<&str, i32>, &str> = try_map_from([Ok(("a", 1)), Err("no")]);
        assert_eq!(failed, Err("no"));
    }
}
