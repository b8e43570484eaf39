//! The example programs of `examples/`, built in for `cohort bench`.

/// An example: its name, program text, inputs file and expected outputs
/// (`None` where the result is random).
pub(crate) struct Example {
    pub(crate) name: &'static str,
    pub(crate) program: &'static str,
    pub(crate) inputs: &'static str,
    pub(crate) expected: Option<&'static str>,
}

macro_rules! example {
    ($name:literal) => {
        example!($name, Some(include_str!(concat!("../../../examples/", $name, ".expected.json"))))
    };
    ($name:literal, $expected:expr) => {
        Example {
            name: $name,
            program: include_str!(concat!("../../../examples/", $name, ".cohort")),
            inputs: include_str!(concat!("../../../examples/", $name, ".inputs.json")),
            expected: $expected,
        }
    };
}

/// Every example, in the order `cohort bench` runs them.
pub(crate) const EXAMPLES: [Example; 9] = [
    example!("average_salary"),
    example!("millionaires"),
    example!("second_price_auction"),
    example!("unanimous_vote"),
    example!("secret_santa", None),
    example!("sort_inputs"),
    example!("statistics"),
    example!("set_intersection_size"),
    example!("linear_regression"),
];
