//! A plan too big to dry-run quickly has no planned total: a long
//! sequential loop (40,000 multiplications took 37 s to dry-run natively,
//! holding up the session host that waited for it), many elements, or many
//! parties. A small plan still has one.

use cohort_program::CheckedProgram;

fn loop_of(n: usize) -> String {
    format!(
        "program \"Long\"\nparties 3 or more\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range({n}):\n    acc = acc * x[1]\nreveal acc to all\n"
    )
}

#[test]
fn a_long_loop_is_not_dry_run() {
    let plan = CheckedProgram::load(&loop_of(40_000)).unwrap().plan(3).unwrap();
    let began = std::time::Instant::now();
    assert_eq!(plan.planned_rounds(1), None);
    assert!(began.elapsed().as_millis() < 1000, "{:?}", began.elapsed());
}

#[test]
fn a_short_loop_is() {
    let plan = CheckedProgram::load(&loop_of(10)).unwrap().plan(3).unwrap();
    let planned = plan.planned_rounds(1).expect("a total");
    assert!(planned.exact);
    assert!(planned.rounds >= 10, "{planned:?}");
}

#[test]
fn many_elements_or_parties_are_not_dry_run() {
    let wide = "program \"Wide\"\nparties 3\ninput x: secint(32)[30000] from each\nreveal s = sum(x * x) to all\n";
    assert_eq!(CheckedProgram::load(wide).unwrap().plan(3).unwrap().planned_rounds(1), None);
    let plan = CheckedProgram::load(&loop_of(10)).unwrap().plan(9).unwrap();
    assert_eq!(plan.planned_rounds(4), None);
}
