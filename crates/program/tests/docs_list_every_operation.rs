//! docs/language.md lists every operation a program can call, and every
//! example program is listed in examples/README.md.

use crate::common;

#[test]
fn the_language_doc_lists_every_operation() {
    let doc = std::fs::read_to_string(common::examples_dir().join("../docs/language.md")).expect("docs/language.md");
    for (signature, _) in cohort_program::OPERATIONS {
        // The names called in the signature: words directly followed by `(`.
        let names = signature
            .split('(')
            .filter_map(|before| before.rsplit(|c: char| !c.is_alphanumeric() && c != '_').next())
            .filter(|n| !n.is_empty());
        for name in names {
            assert!(doc.contains(&format!("`{name}(")), "docs/language.md does not list `{name}`");
        }
    }
}

#[test]
fn the_examples_readme_lists_every_example() {
    let readme = std::fs::read_to_string(common::examples_dir().join("README.md")).expect("examples/README.md");
    for name in common::example_names() {
        assert!(readme.contains(&format!("`{name}`")), "examples/README.md does not list {name}");
    }
}
