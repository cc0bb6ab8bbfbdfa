//! The README's state diagrams are generated from the transition tables; this fails when the
//! README's copy is stale. `OMS_BLESS=1 cargo test -p oms-core --test diagrams` rewrites it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use oms_core::transitions::{fulfillment_graph, line_graph};

const START: &str = "<!-- state-diagrams:start -->";
const END: &str = "<!-- state-diagrams:end -->";

fn section() -> String {
    format!(
        "{START}\n\
         <!-- Generated from `oms_core::transitions`; do not edit by hand. \
         Regenerate: `OMS_BLESS=1 cargo test -p oms-core --test diagrams`. -->\n\n\
         ### Units of an order line\n\n\
         Each arrow is a move the line table allows; `Order::apply` refuses any other.\n\n\
         ```mermaid\n{}```\n\n\
         ### Fulfillment orders\n\n\
         Moves that keep the status (more units allocated, some shipped, some rejected) are left out; \
         arrows marked with methods exist only for those.\n\n\
         ```mermaid\n{}```\n{END}",
        line_graph().to_mermaid(),
        fulfillment_graph().to_mermaid()
    )
}

#[test]
fn readme_state_diagrams_match_the_transition_tables() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no {START} ... {END} section");
    };
    let current = &readme[start..end + END.len()];
    let expected = section();
    if current != expected {
        if std::env::var_os("OMS_BLESS").is_some() {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end + END.len()..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's state diagrams are stale; run `OMS_BLESS=1 cargo test -p oms-core --test diagrams`.\n\
                 Expected:\n{expected}"
            );
        }
    }
}
