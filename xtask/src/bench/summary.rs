//! The summary: the machine, then one table per section (figure, median, min, max, runs,
//! target, whether the median meets it), then notes. Each section's heading carries the load
//! average when it started, since the machine is shared and the load explains the spread.

use std::fmt::Write as _;
use std::process::Command;

use super::Section;
use super::stats::Stats;
use crate::machine::load_average;

/// One reported figure, with its target when it has one.
struct Figure {
    name: String,
    unit: &'static str,
    stats: Stats,
    /// The target as written, and whether it is met (each section judges its own, mostly on
    /// the median).
    target: Option<(String, bool)>,
}

struct SectionFigures {
    section: Section,
    load_at_start: String,
    figures: Vec<Figure>,
    skipped: Option<&'static str>,
}

#[derive(Default)]
pub struct Summary {
    machine: Vec<String>,
    sections: Vec<SectionFigures>,
    notes: Vec<String>,
}

impl Summary {
    /// CPU, memory, rustc and the load average before anything runs.
    pub fn describe_machine(&mut self) {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
            .map_or("unknown", |(_, model)| model.trim());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .map_or("unknown", str::trim);
        let cpus = std::thread::available_parallelism().map_or(0, usize::from);
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
            .unwrap_or_default();
        self.machine = vec![
            format!("CPU: {model}, {cpus} CPU(s)"),
            format!("memory: {memory}"),
            rustc,
            format!("load average at start: {}", load_average()),
        ];
    }

    pub fn start_section(&mut self, section: Section) {
        self.sections.push(SectionFigures {
            section,
            load_at_start: load_average(),
            figures: Vec::new(),
            skipped: None,
        });
    }

    pub fn finish(&mut self) {
        self.machine
            .push(format!("load average at the end: {}", load_average()));
    }

    /// Records why the running section measured nothing.
    pub fn skip(&mut self, reason: &'static str) {
        self.running().skipped = Some(reason);
    }

    /// Adds a figure to the running section.
    pub fn figure(
        &mut self,
        name: impl Into<String>,
        unit: &'static str,
        stats: Stats,
        target: Option<(&str, bool)>,
    ) {
        self.running().figures.push(Figure {
            name: name.into(),
            unit,
            stats,
            target: target.map(|(text, met)| (text.to_string(), met)),
        });
    }

    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn running(&mut self) -> &mut SectionFigures {
        self.sections
            .last_mut()
            .expect("figures are taken by a running section")
    }

    /// The summary as Markdown.
    pub fn render(&self) -> String {
        let mut out = String::from("# cargo xtask bench\n\n");
        for line in &self.machine {
            let _ = writeln!(out, "- {line}");
        }
        for section in &self.sections {
            let _ = write!(
                out,
                "\n## {} (load average at start: {})\n\n",
                section.section.name(),
                section.load_at_start
            );
            if let Some(reason) = section.skipped {
                let _ = writeln!(out, "{reason}");
                continue;
            }
            out.push_str(
                "| figure | median | min | max | runs | target | met |\n\
                 | --- | --: | --: | --: | --: | --- | --- |\n",
            );
            for figure in &section.figures {
                let (target, met) = match &figure.target {
                    Some((text, true)) => (text.as_str(), "met"),
                    Some((text, false)) => (text.as_str(), "NOT MET"),
                    None => ("", ""),
                };
                let stats = figure.stats;
                let _ = writeln!(
                    out,
                    "| {} | {} {} | {} | {} | {} | {target} | {met} |",
                    figure.name,
                    number(stats.median),
                    figure.unit,
                    number(stats.min),
                    number(stats.max),
                    stats.runs
                );
            }
        }
        if !self.notes.is_empty() {
            out.push_str("\n## notes\n\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }
}

/// Three significant figures, without exponent.
fn number(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_three_significant_figures() {
        assert_eq!(number(1234.6), "1235");
        assert_eq!(number(12.36), "12.4");
        assert_eq!(number(1.236), "1.24");
        assert_eq!(number(0.01236), "0.012");
        assert_eq!(number(f64::NAN), "-");
    }

    #[test]
    fn sections_render_their_figures_targets_and_skips() {
        let mut summary = Summary::default();
        summary.start_section(Section::Generation);
        summary.figure(
            "fast",
            "ms",
            Stats::of(&[1.0, 2.0, 3.0]),
            Some(("< 5 ms", true)),
        );
        summary.figure("slow", "ms", Stats::of(&[9.0]), Some(("< 5 ms", false)));
        summary.start_section(Section::Corpus);
        summary.skip("skipped: no corpus given");
        summary.note("a note".into());
        let text = summary.render();
        assert!(
            text.contains("\n## generation (load average at start: "),
            "{text}"
        );
        assert!(
            text.contains("| fast | 2.00 ms | 1.00 | 3.00 | 3 | < 5 ms | met |"),
            "{text}"
        );
        assert!(
            text.contains("| slow | 9.00 ms | 9.00 | 9.00 | 1 | < 5 ms | NOT MET |"),
            "{text}"
        );
        let corpus = &text[text.find("## corpus").unwrap()..];
        assert!(corpus.contains("skipped: no corpus given\n"), "{text}");
        assert!(
            !corpus[..corpus.find("## notes").unwrap()].contains('|'),
            "{text}"
        );
        assert!(text.ends_with("## notes\n\n- a note\n"), "{text}");
    }
}
