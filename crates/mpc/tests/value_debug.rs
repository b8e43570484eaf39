//! `Value`'s hand-written `Debug` (it prints its float through
//! `cohort_text`, not core's float formatting) prints what the derived one
//! did: error messages name values with it.

use cohort_mpc::Value;

/// What `Value` derived before.
#[derive(Debug)]
#[allow(dead_code)] // the fields are read by Debug only
enum Derived {
    Int(i128),
    Fixed(f64),
}

#[test]
fn value_debug_is_the_derived_one() {
    let ints = [0, 5, -7, i128::MAX, i128::MIN].map(|i| (Value::Int(i), Derived::Int(i)));
    let fixed = [0.0, -0.0, 1.5, -2.25, 0.1, 1e-7, 1e16, 1e300, 1.0 / 3.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY]
        .map(|x| (Value::Fixed(x), Derived::Fixed(x)));
    for (value, derived) in ints.into_iter().chain(fixed) {
        assert_eq!(format!("{value:?}"), format!("{derived:?}"));
        assert_eq!(format!("{value:#?}"), format!("{derived:#?}"));
    }
    assert_eq!(format!("{:?}", Value::Fixed(1.5)), "Fixed(1.5)");
    assert_eq!(format!("{:?}", Value::Int(5)), "Int(5)");
}
