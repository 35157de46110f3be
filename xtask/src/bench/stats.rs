//! Median, minimum and maximum of several runs: the form of every figure.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Stats {
    /// Of the finite values (a run that measured nothing is left out, not counted as zero).
    pub fn of(values: &[f64]) -> Stats {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let median = match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Stats {
            median,
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
            runs: sorted.len(),
        }
    }

    pub fn scaled(self, factor: f64) -> Stats {
        Stats {
            median: self.median * factor,
            min: self.min * factor,
            max: self.max * factor,
            runs: self.runs,
        }
    }

    /// `numerator ÷ value`: a rate from times, so the slowest run gives the minimum.
    pub fn reciprocal(self, numerator: f64) -> Stats {
        Stats {
            median: numerator / self.median,
            min: numerator / self.max,
            max: numerator / self.min,
            runs: self.runs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_odd_and_even_counts() {
        let odd = Stats::of(&[3.0, 1.0, 2.0]);
        assert_eq!((odd.median, odd.min, odd.max, odd.runs), (2.0, 1.0, 3.0, 3));
        let even = Stats::of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!((even.median, even.min, even.max), (2.5, 1.0, 4.0));
    }

    #[test]
    fn values_that_are_not_finite_are_not_runs() {
        let stats = Stats::of(&[f64::NAN, 2.0, f64::INFINITY]);
        assert_eq!((stats.median, stats.runs), (2.0, 1));
        assert!(Stats::of(&[]).median.is_nan());
    }

    #[test]
    fn scaling_and_reciprocals_keep_minimum_below_maximum() {
        let micros = Stats::of(&[10.0, 20.0, 40.0]);
        assert_eq!(micros.scaled(0.5), Stats::of(&[5.0, 10.0, 20.0]));
        let rate = micros.reciprocal(1e6);
        assert_eq!((rate.median, rate.min, rate.max), (5e4, 2.5e4, 1e5));
    }
}
