//! A planned program survives its bytes exactly (every operation, every
//! example), and bytes that are not a plan are refused with the reason,
//! never a panic, a hang or an allocation the bytes cannot back.

use crate::common;

use cohort_program::{CheckedProgram, PlanBytesError, PlannedProgram};

/// Programs that together use every operation of a plan.
const EVERY_OPERATION: &[&str] = &[
    r#"program "arithmetic"
parties 3
role alice = party 0
input x: secint(32)[6] from alice
input y0: secint(32)[6] from each between -100 and 100
let y = flatten(y0)
let z = x + y[0:6] - concat(x[3:6], x[0:3])
reveal a = -z * 3 + 7 to all
reveal b = z // 4 + z % 5 + (z << 2) + (z >> 1) to alice
reveal c = (pow(x, 3) + x / 1 + inverse(x, 7))[0:3] to each
reveal d = x * y[6:12] + gcd(x, x) + lcm(x, x) to all
reveal e = concat(x < y[0:6], x <= y[0:6], x > y[0:6], x >= y[0:6], x == y[0:6], x != y[0:6]) to all
reveal f = min(x, y[0:6]) + max(x, y[0:6]) + inner(x, x) to all
reveal g = concat(abs(x), sign(x), is_zero(x), sqrt(x), reciprocal(x)) to all
reveal h = flatten(to_bits(x)) to all
reveal i = [sum(x), prod(x), min(x), max(x), argmin(x), argmax(x), mean(x), median(x), mode(x)] to all
reveal j = from_bits(to_bits(x[0])) + all(is_zero(x)) + any(is_zero(x)) to all
reveal k = if_else(x < 0, x, y[0:6]) + reverse(x) to all
reveal l = concat(sort(x), shuffle(x), sort(x, key=y[0:6])) to all
reveal m = min(x, key=y[0:6]) + argmax(x, key=y[0:6]) + find(x, 3) + find(x, 4, e=-1) to all
reveal n = concat([choice(secint(32), x)], sample(secint(32), x, 2)) to all
"#,
    r#"program "fixed point and fields"
parties 3 or more
type num = secfxp(32, 16)
input x: num[4] from each
input q: secfld(101) from each
reveal a = [variance(flatten(x)), pvariance(flatten(x)), stdev(flatten(x)), covariance(flatten(x), flatten(x))] to all
reveal b = flatten(matmul(x, [x[0], x[0], x[0], x[0]])) + sum(x)[0] to all
reveal c = trunc(flatten(x), 3) * 0.5 / 2.5 to all
reveal c2 = convert(flatten(x), secfxp(48, 24)) to all
reveal d = concat(random_int(secint(16), -3, 9, 2), random_bits(secint(16), 2), random_permutation(secint(16), 3), random_derangement(secint(16), 3)) to all
reveal e = uniform(num, -1.5, 2, 3) to all
reveal g = flatten(x) / (flatten(x) + 1) to all
reveal f = convert(q, secint(16)) to all
"#,
];

/// Every variant of a plan's operations and of the enums they hold, as
/// `Debug` names them.
const VARIANTS: &[&str] = &[
    "Input(",
    "Const {",
    "Gather {",
    "Concat(",
    "Add(",
    "Sub(",
    "Neg(",
    "AddPublic(",
    "MulPublic(",
    "DivPublic(",
    "FloorDiv(",
    "Mod(",
    "Shl(",
    "Shr(",
    "Pow(",
    "Trunc(",
    "Inverse(",
    "Convert(",
    "Pair(",
    "Map(",
    "Reduce {",
    "ColumnSums {",
    "IfElse(",
    "MatMul {",
    "Sort(",
    "Shuffle(",
    "SortByKey {",
    "ExtremeByKey {",
    "Find {",
    "Choose {",
    "Random {",
    // And every variant of the operations' own tags.
    "Pair(Mul,",
    "Pair(Div,",
    "Pair(Lt,",
    "Pair(Le,",
    "Pair(Gt,",
    "Pair(Ge,",
    "Pair(Eq,",
    "Pair(Ne,",
    "Pair(MinPairwise,",
    "Pair(MaxPairwise,",
    "Pair(Inner,",
    "Pair(Covariance,",
    "Pair(Gcd,",
    "Pair(Lcm,",
    "Map(Abs,",
    "Map(Sign,",
    "Map(IsZero,",
    "Map(Reciprocal,",
    "Map(Sqrt,",
    "Map(ToBits,",
    "f: Sum,",
    "f: Prod,",
    "f: Min,",
    "f: Max,",
    "f: Argmin,",
    "f: Argmax,",
    "f: All,",
    "f: Any,",
    "f: Mean,",
    "f: Variance,",
    "f: Pvariance,",
    "f: Stdev,",
    "f: Median,",
    "f: Mode,",
    "f: FromBits,",
    "f: Int {",
    "f: Bits,",
    "f: Permutation,",
    "f: Derangement,",
    "f: Uniform {",
];

/// `program` planned for `m` parties survives its bytes: the same plan
/// (spans included), the same bytes again.
fn round_trip(program: &CheckedProgram, m: usize) -> String {
    let planned = program.planned(m).unwrap();
    let bytes = planned.to_bytes();
    let back = PlannedProgram::from_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", program.name()));
    assert_eq!(format!("{back:?}"), format!("{planned:?}"), "{}", program.name());
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!((back.name(), back.hash_hex(), back.parties()), (program.name(), program.hash_hex(), m));
    format!("{back:?}")
}

#[test]
fn every_operation_survives_the_bytes() {
    let mut seen = String::new();
    for src in EVERY_OPERATION {
        let program = CheckedProgram::parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        for m in [3, 5] {
            if program.parties().contains(&m) {
                seen += &round_trip(&program, m);
            }
        }
    }
    for variant in VARIANTS {
        assert!(seen.contains(variant), "no test program uses {variant}");
    }
}

#[test]
fn every_example_survives_the_bytes() {
    for name in common::example_names() {
        let (program, inputs) = common::example(&name);
        round_trip(&program, inputs.len());
    }
}

#[test]
fn index_lists_take_a_run_each_progression() {
    // Slices of a long vector, one reversed: a run each, not a number per index.
    let src = "program \"p\"\nparties 3\ninput x: secint(8)[100000] from each\nlet v = flatten(x)\nreveal y = reverse(v)[1:250000] + v[7:250006] to all\n";
    let bytes = common::program(src).planned(3).unwrap().to_bytes();
    assert!(bytes.len() < 200, "{} bytes", bytes.len());
}

fn planned_bytes() -> Vec<u8> {
    let (program, _) = common::example("statistics");
    program.planned(3).unwrap().to_bytes()
}

#[test]
fn every_truncation_and_every_single_byte_change_is_an_error_or_a_plan() {
    let bytes = planned_bytes();
    for end in 0..bytes.len() {
        assert!(PlannedProgram::from_bytes(&bytes[..end]).is_err(), "cut at {end}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(PlannedProgram::from_bytes(&longer).unwrap_err(), PlanBytesError::Trailing(1));
    // Whatever a changed byte makes of the plan, decoding ends (most such
    // plans are refused; the rest are plans of other programs).
    for at in 0..bytes.len() {
        for byte in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut changed = bytes.clone();
            changed[at] = byte;
            let _ = PlannedProgram::from_bytes(&changed);
        }
    }
}

#[test]
fn bytes_that_are_not_a_plan_say_why() {
    assert_eq!(PlannedProgram::from_bytes(b"").unwrap_err(), PlanBytesError::Version);
    assert_eq!(PlannedProgram::from_bytes(b"cohort-plan-2\n").unwrap_err(), PlanBytesError::Version);
    let huge = vec![0; cohort_program::MAX_PLAN_BYTES + 1];
    assert_eq!(PlannedProgram::from_bytes(&huge).unwrap_err(), PlanBytesError::TooLarge(huge.len()));
    let bytes = planned_bytes();
    let header = b"cohort-plan-1\n".len();
    // The name's length claims more bytes than there are: refused before
    // anything is allocated.
    let mut huge = bytes[..header].to_vec();
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert_eq!(PlannedProgram::from_bytes(&huge).unwrap_err(), PlanBytesError::Truncated);
    let mut long = bytes[..header].to_vec();
    long.extend_from_slice(&[0xff; 40]);
    assert_eq!(PlannedProgram::from_bytes(&long).unwrap_err(), PlanBytesError::Range("number"));
    // More inputs than a checked program can have, each of a byte: refused
    // before a list of them is made (each would take a hundred bytes).
    let mut many = plan_of(&[]);
    many.truncate(many.len() - 3);
    many.extend_from_slice(&[0xc1, 0x9a, 0x0c]); // 200,001
    many.extend(std::iter::repeat_n(0, 200_001));
    assert_eq!(PlannedProgram::from_bytes(&many).unwrap_err(), PlanBytesError::Range("count of inputs"));
}

/// A plan of `nodes` after a minimal header: name "p", a zero hash, 3
/// parties, no inputs or outputs.
fn plan_of(nodes: &[&[u8]]) -> Vec<u8> {
    let mut bytes = b"cohort-plan-1\n".to_vec();
    bytes.extend_from_slice(&[1, b'p']);
    bytes.extend_from_slice(&[0; 32]);
    bytes.extend_from_slice(&[3, 0, 0, nodes.len() as u8]);
    for node in nodes {
        bytes.extend_from_slice(node);
        bytes.extend_from_slice(&[0, 0]); // span
    }
    bytes
}

#[test]
fn a_node_reads_only_nodes_before_it() {
    // Node 0: the constant secint(8) [1]; node 1: its negation; then a
    // node that reads itself, and one that reads a later node.
    let constant: &[u8] = &[1, 0, 8, 1, 0, 2];
    assert!(PlannedProgram::from_bytes(&plan_of(&[constant, &[6, 0]])).is_ok());
    assert_eq!(PlannedProgram::from_bytes(&plan_of(&[constant, &[6, 1]])).unwrap_err(), PlanBytesError::Reference { node: 1, reads: 1 });
    assert_eq!(
        PlannedProgram::from_bytes(&plan_of(&[constant, &[4, 0, 2], constant])).unwrap_err(),
        PlanBytesError::Reference { node: 1, reads: 2 }
    );
    // An input node for an input the plan does not declare.
    assert_eq!(PlannedProgram::from_bytes(&plan_of(&[&[0, 0]])).unwrap_err(), PlanBytesError::Range("input of a node"));
    // An unknown operation, an empty concatenation, an oversized random draw.
    assert_eq!(PlannedProgram::from_bytes(&plan_of(&[&[99]])).unwrap_err(), PlanBytesError::Tag { what: "operation", tag: 99 });
    assert_eq!(PlannedProgram::from_bytes(&plan_of(&[&[3, 0]])).unwrap_err(), PlanBytesError::Range("concatenation"));
    let draw: &[u8] = &[30, 0, 8, 0x80, 0x80, 0x80, 0x01, 1];
    assert_eq!(PlannedProgram::from_bytes(&plan_of(&[draw])).unwrap_err(), PlanBytesError::Range("number of elements"));
}
