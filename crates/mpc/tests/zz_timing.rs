mod common;
use common::*;
use cohort_mpc::SecType;

#[test]
fn scratch() {
    for (m, t) in [(1,0),(3, 1), (5, 2), (3,0), (5,1), (7,3)] {
        let ty = SecType::int(32).unwrap();
        let out = cohort_mpc::local::run(m, t, 13, |rt| async move {
            let r0 = rt.stats().rounds;
            let a = rt.random_bits(&ty, 5).await?;
            let r1 = rt.stats().rounds;
            let x = input_ints(&rt, &ty, 0, &[1]).await?;
            let r2 = rt.stats().rounds;
            let _ = rt.mul(&x, &x).await?;
            let r3 = rt.stats().rounds;
            let v = open_ints(&rt, &a).await?;
            let r4 = rt.stats().rounds;
            Ok((r0, r1, r2, r3, r4, v, rt.uses_prss()))
        }).unwrap();
        println!("m={m} t={t} {:?}", out.results);
    }
}
