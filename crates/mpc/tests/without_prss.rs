//! Without pseudorandom secret sharing (Config.prss = false, or too many
//! subsets), randomness is dealt interactively; results are the same.

use crate::common;

use cohort_mpc::{SecType, Value, local};
use common::*;

type Out = (bool, Vec<i128>, Vec<i128>, Vec<i128>, Vec<i128>, Vec<f64>, Vec<i128>);

fn program_results(m: usize, t: usize, prss: bool) -> Vec<Out> {
    let ty = SecType::int(32).unwrap();
    let fx = SecType::fxp(32, 16).unwrap();
    let mut s = sessions(&configs(m, t, 91, prss), move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[12, max_of(32), min_of(32), -3, 0]).await?;
        let b = input_ints(&rt, &ty, 1, &[13, min_of(32), max_of(32), -3, 7]).await?;
        let prod = rt.mul(&a, &b).await?;
        let lt = rt.lt(&a, &b).await?;
        let eq = rt.eq(&a, &b).await?;
        let sorted = rt.sort(&a.concat(&b)?, false).await?;
        let x = input(&rt, &fx, 0, &[Value::Fixed(1.5), Value::Fixed(-2.25)]).await?;
        let y = input(&rt, &fx, 1, &[Value::Fixed(0.75), Value::Fixed(4.0)]).await?;
        let xy = rt.mul(&x, &y).await?;
        let bits = rt.random_bits(&ty, 400).await?;
        Ok((
            rt.uses_prss(),
            open_ints(&rt, &prod).await?,
            open_ints(&rt, &lt).await?,
            open_ints(&rt, &eq).await?,
            open_ints(&rt, &sorted).await?,
            open_f64(&rt, &xy).await?,
            open_ints(&rt, &bits).await?,
        ))
    });
    drive(&mut s, |_, _, _, _| {}).into_iter().map(|r| r.unwrap_or_else(|e| panic!("m={m} t={t} prss={prss}: {e}"))).collect()
}

fn check(m: usize, t: usize, got: &[Out], prss: bool) {
    let (hi, lo) = (max_of(32), min_of(32));
    for r in got {
        assert_eq!(r, &got[0], "m={m} t={t}: parties disagree");
    }
    let r = &got[0];
    assert_eq!(r.0, prss, "m={m} t={t}: uses_prss");
    assert_eq!(r.1, vec![156, hi * lo, lo * hi, 9, 0]);
    assert_eq!(r.2, vec![1, 0, 1, 0, 1]);
    assert_eq!(r.3, vec![0, 0, 0, 1, 0]);
    let mut all = vec![12, hi, lo, -3, 0, 13, lo, hi, -3, 7];
    all.sort();
    assert_eq!(r.4, all);
    assert_eq!(r.5, vec![1.125, -9.0]);
    assert!(r.6.iter().all(|&b| b == 0 || b == 1));
    let ones = r.6.iter().filter(|&&b| b == 1).count();
    assert!((150..=250).contains(&ones), "m={m} t={t}: {ones} ones in 400 random bits");
}

#[test]
fn every_config_without_prss() {
    for (m, t) in CONFIGS {
        check(m, t, &program_results(m, t, false), false);
    }
}

#[test]
fn hand_driven_sessions_with_prss_agree() {
    for (m, t) in [(3, 1), (5, 2)] {
        check(m, t, &program_results(m, t, true), true);
    }
}

/// 15 parties with t = 7 need C(15, 7) = 6435 subsets: the runtime falls
/// back to dealt randomness by itself.
#[test]
fn too_many_subsets_fall_back_to_dealing() {
    let ty = SecType::int(32).unwrap();
    let out = local::run(15, 7, 92, move |rt| async move {
        let a = input_ints(&rt, &ty, 3, &[5, -5, 0]).await?;
        let b = input_ints(&rt, &ty, 14, &[-6, -5, 1]).await?;
        let p = rt.mul(&a, &b).await?;
        let c = rt.lt(&a, &b).await?;
        Ok((rt.uses_prss(), open_ints(&rt, &p).await?, open_ints(&rt, &c).await?))
    })
    .unwrap();
    for r in &out.results {
        assert_eq!(r, &(false, vec![-30, 25, 0], vec![0, 0, 1]));
    }
}
