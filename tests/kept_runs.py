"""A week read, audited, built and kept in the output folder as a good run is kept, without a
kernel: what the next week's comparison and `fuchan 下发` read."""

from fuchan_lib.core.run_folder import STATUS_OK, Manifest, RunFolder
from fuchan_lib.core.text import write_csv
from fuchan_lib.ingest.inputs import run_params
from fuchan_lib.run.prepare import prepare_from
from fuchan_lib.stats.build import Built


def finished_run(params_path, as_of: str) -> Built:
    """Read, audit and build one week, and keep it in the output folder as a good run would
    be kept (manifest, facts, snapshot), so the next week's run compares with it."""
    prepared = prepare_from(run_params(params_path, as_of))
    built = prepared.build()
    p = prepared.inputs.params
    folder = RunFolder(p.output_path / f"run-{as_of}")
    folder.path.mkdir(parents=True)
    Manifest(status=STATUS_OK, run=folder.path.name, county=p.county, as_of=p.as_of, created=f"{as_of}T09:00:00",
             params=p.model_dump(mode="json", by_alias=True, exclude={"base_dir", "source"})).write(folder.path)
    built.facts.to_json(folder.facts)
    # the snapshot as the run's save_part writes it; the part's 附表 and chart are not read back
    write_csv(built.week_over_week.snapshot, folder.snapshot)
    return built
