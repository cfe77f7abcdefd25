//! Catalogue search as a form's waste-code autocomplete runs it, once per keystroke,
//! over the whole 2021 list (467 entries). Budget: well under 1 ms per query.
//!
//! `cargo bench -p wastecheck-rules --bench catalogue_search`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn search(c: &mut Criterion) {
    let catalogue = wastecheck_rules::catalogue();
    let mut group = c.benchmark_group("catalogue_search");
    for (name, query) in [
        ("exact_code", "900-041-49"),
        ("code_prefix", "900"),
        ("category", "HW08"),
        ("text", "废矿物油"),
        ("text_one_char", "废"),
        ("text_two_terms", "废 污泥"),
        ("no_match", "不存在的废物名称"),
    ] {
        group.bench_function(name, |b| b.iter(|| catalogue.search(black_box(query), 10)));
    }
    group.finish();
}

fn load(c: &mut Criterion) {
    c.bench_function("builtin_packs_load", |b| b.iter(wastecheck_rules::load));
}

criterion_group!(benches, search, load);
criterion_main!(benches);
