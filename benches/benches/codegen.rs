//! Generation in-process: load, validate, emit and format every spec, as `cargo xtask codegen`
//! does before it compares with or writes `generated/`.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn generate(criterion: &mut Criterion) {
    let root = workspace_root();
    let files = acs_codegen::generate(&root).expect("the spec generates");
    let operations = files
        .keys()
        .filter(|path| path.starts_with("generated/oos/src/operation") && !path.ends_with("mod.rs"))
        .count();
    eprintln!(
        "generating {} files ({operations} operation modules)",
        files.len()
    );

    let mut group = criterion.benchmark_group("codegen");
    group.sample_size(20);
    group.bench_function("generate_all", |bencher| {
        bencher.iter(|| {
            acs_codegen::generate(black_box(&root))
                .expect("the spec generates")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
