//! The core's modules point one way (docs/design.md §3): within every module, its
//! submodules depend on each other without a cycle, so each has a place in a stack
//! of layers. A module may use its own submodules and its ancestors' items (a
//! parent that re-exports or holds what its children share is not a layer of its
//! own); every other reference, by `use` or by a path in code, is an edge.
//!
//! Read from the source with `syn`, tests (`#[cfg(test)]`) left out.

// A test of the source tree reads files; the core itself never does.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// A module path below the crate root: `["engine", "chain"]`.
type ModPath = Vec<String>;

/// Every module of the crate with the module paths its code names.
#[derive(Default)]
struct Crate {
    modules: BTreeSet<ModPath>,
    /// (from, named path as written, resolved to crate-absolute segments).
    references: Vec<(ModPath, Vec<String>)>,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

struct Collector<'a> {
    krate: &'a mut Crate,
    module: ModPath,
}

impl Collector<'_> {
    /// Records a path as crate-absolute segments, if it names the crate.
    fn record(&mut self, segments: Vec<String>) {
        let mut iter = segments.into_iter().peekable();
        let mut base: ModPath = match iter.peek().map(String::as_str) {
            Some("crate") => {
                iter.next();
                Vec::new()
            }
            Some("super") | Some("self") => self.module.clone(),
            _ => return,
        };
        while let Some(head) = iter.peek().map(String::as_str) {
            match head {
                "super" => {
                    base.pop();
                }
                "self" => {}
                _ => break,
            }
            iter.next();
        }
        base.extend(iter);
        self.krate.references.push((self.module.clone(), base));
    }

    fn use_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.to_string());
                self.use_tree(next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let mut next = prefix;
                next.push(n.ident.to_string());
                self.record(next);
            }
            syn::UseTree::Rename(r) => {
                let mut next = prefix;
                next.push(r.ident.to_string());
                self.record(next);
            }
            syn::UseTree::Glob(_) => self.record(prefix),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix.clone(), item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Trait(t) => &t.attrs,
            syn::Item::Type(t) => &t.attrs,
            syn::Item::Macro(m) => &m.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_test(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let mut module = self.module.clone();
        module.push(item.ident.to_string());
        self.krate.modules.insert(module.clone());
        if let Some((_, items)) = &item.content {
            let mut inner = Collector {
                krate: self.krate,
                module,
            };
            for item in items {
                inner.visit_item(item);
            }
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.record(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

/// The file of a module: `src/engine/chain.rs` or `src/engine/chain/mod.rs`.
fn file_of(src: &Path, module: &[String]) -> Option<PathBuf> {
    if module.is_empty() {
        return Some(src.join("lib.rs"));
    }
    let joined: PathBuf = module.iter().collect();
    [
        src.join(&joined).with_extension("rs"),
        src.join(&joined).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

fn read_crate(src: &Path) -> Crate {
    let mut krate = Crate::default();
    let mut pending: Vec<ModPath> = vec![Vec::new()];
    let mut seen = BTreeSet::new();
    while let Some(module) = pending.pop() {
        if !seen.insert(module.clone()) {
            continue;
        }
        let Some(file) = file_of(src, &module) else {
            continue; // an inline module, already read with its parent
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let before: BTreeSet<ModPath> = krate.modules.clone();
        let mut collector = Collector {
            krate: &mut krate,
            module: module.clone(),
        };
        collector.visit_file(&ast);
        krate.modules.insert(module.clone());
        for m in krate.modules.difference(&before) {
            if m.len() == module.len() + 1 {
                pending.push(m.clone());
            }
        }
    }
    krate
}

/// The longest known module that `path` starts with.
fn module_of(modules: &BTreeSet<ModPath>, path: &[String]) -> ModPath {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .unwrap_or_default()
}

/// Edges between sibling modules: for a reference from `a` to `b`, the children of
/// their deepest common ancestor that lead to each, unless one contains the other.
fn sibling_edges(krate: &Crate) -> BTreeMap<(ModPath, ModPath), (ModPath, ModPath)> {
    let mut edges = BTreeMap::new();
    for (from, named) in &krate.references {
        let to = module_of(&krate.modules, named);
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            continue; // into an ancestor or a descendant
        }
        let a = from[..=common].to_vec();
        let b = to[..=common].to_vec();
        edges
            .entry((a, b))
            .or_insert_with(|| (from.clone(), to.clone()));
    }
    edges
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

/// Every cycle found, as the modules around it (one per strongly connected part).
fn cycles(edges: &BTreeMap<(ModPath, ModPath), (ModPath, ModPath)>) -> Vec<Vec<ModPath>> {
    let nodes: BTreeSet<&ModPath> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |start: &ModPath| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(n) = todo.pop() {
            for (a, b) in edges.keys() {
                if *a == n && seen.insert(b.clone()) {
                    todo.push(b.clone());
                }
            }
        }
        seen
    };
    let mut parts: Vec<Vec<ModPath>> = Vec::new();
    for node in nodes {
        if parts.iter().any(|p| p.contains(node)) {
            continue;
        }
        let forward = reach(node);
        if !forward.contains(node) {
            continue;
        }
        let part: Vec<ModPath> = forward
            .into_iter()
            .filter(|other| reach(other).contains(node))
            .collect();
        parts.push(part);
    }
    parts
}

/// The core's folder as cargo names it when it runs the test, not when it built it:
/// a binary reused from another checkout of the same tree (`./x standalone`'s clone
/// shares the target folder) would otherwise read a folder that may be gone.
fn core_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

#[test]
fn the_core_s_modules_point_one_way() {
    let src = core_dir().join("src");
    let krate = read_crate(&src);
    assert!(krate.modules.len() > 20, "read only {:?}", krate.modules);
    let edges = sibling_edges(&krate);
    let found = cycles(&edges);
    let mut report = String::new();
    for part in &found {
        report.push_str(&format!(
            "\ncycle among {}:",
            part.iter().map(|m| name(m)).collect::<Vec<_>>().join(", ")
        ));
        for ((a, b), (from, to)) in &edges {
            if part.contains(a) && part.contains(b) {
                report.push_str(&format!(
                    "\n  {} -> {}   (e.g. {} uses {})",
                    name(a),
                    name(b),
                    name(from),
                    name(to)
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the core's modules depend on each other in circles:{report}"
    );
}

#[test]
fn a_cycle_is_found() {
    // The check itself can fail: two siblings naming each other are a cycle.
    let krate = Crate {
        modules: [vec![], vec!["a".into()], vec!["b".into()]].into(),
        references: vec![
            (vec!["a".into()], vec!["b".into(), "X".into()]),
            (vec!["b".into()], vec!["a".into(), "Y".into()]),
        ],
    };
    assert_eq!(cycles(&sibling_edges(&krate)).len(), 1);
    let parent_and_child = Crate {
        modules: [vec![], vec!["a".into()], vec!["a".into(), "b".into()]].into(),
        references: vec![
            (vec!["a".into()], vec!["a".into(), "b".into(), "X".into()]),
            (vec!["a".into(), "b".into()], vec!["a".into(), "Y".into()]),
        ],
    };
    assert!(cycles(&sibling_edges(&parent_and_child)).is_empty());
}

/// The engine holds rules as JSON: TOML is a source format, parsed in `pack` only
/// (its tests may write a `[check]` in TOML).
#[test]
fn the_engine_reads_no_toml_values() {
    fn visit(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.contains("toml::Value") || line.contains("toml::Table") {
                        out.push(format!("{}:{}: {line}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    visit(&core_dir().join("src/engine"), &mut found);
    assert!(found.is_empty(), "{}", found.join("\n"));
}
