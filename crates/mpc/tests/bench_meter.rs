//! The benchmark's meter: the calls across a WebAssembly module's boundary
//! that its own readings make are not counted as the workload's.

use std::cell::Cell;

use cohort_mpc::bench::{Crossings, Meter, WORKLOADS, run_in_one_thread};

thread_local! {
    static INTO: Cell<u64> = const { Cell::new(0) };
    static OUT: Cell<u64> = const { Cell::new(0) };
}

/// A clock that is a call out of the module, as `performance.now()` is.
fn clock() -> f64 {
    OUT.set(OUT.get() + 1);
    0.0
}

/// A counter whose reading crosses too: a call out, and one into the
/// module to hand back what it read (as the glue's allocations do).
fn crossings() -> Crossings {
    OUT.set(OUT.get() + 3);
    let read = Crossings { into_wasm: INTO.get(), out_of_wasm: OUT.get() };
    INTO.set(INTO.get() + 1);
    read
}

/// With nothing else crossing, every workload's count is zero: each
/// reading's own calls are left out, however many there are. (One party:
/// in one thread, every party's readings would count on the same counter.)
#[test]
fn the_readings_own_crossings_are_left_out() {
    let meter = Meter { clock, crossings: Some(crossings) };
    let workloads = WORKLOADS.iter().copied().filter(|w| ["mul", "mul_latency"].contains(&w.name)).collect();
    let measured = run_in_one_thread(1, 0, workloads, 2, meter).unwrap();
    assert_eq!(measured.len(), 2);
    for m in measured {
        assert_eq!(m.crossings, Some(Crossings { into_wasm: 0, out_of_wasm: 0 }), "{}", m.workload.name);
    }
}

/// A meter without a counter reports no crossings.
#[test]
fn a_clock_alone_counts_no_crossings() {
    let workloads = WORKLOADS.iter().copied().filter(|w| w.name == "mul").collect();
    let measured = run_in_one_thread(3, 1, workloads, 1, Meter::clock(clock)).unwrap();
    assert_eq!(measured[0].crossings, None);
}
