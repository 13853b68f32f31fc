"""The end-of-run summary, from the run's Scrapy stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SKIPPED_PREFIX = "newsmill/skipped/"


@dataclass
class RunSummary:
    run_id: int | None
    seen: int
    stored: int
    duplicates: int
    unchanged: int
    new_versions: int
    skipped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    finish_reason: str | None = None
    near_duplicates: int = 0
    not_extracted_again: int = 0

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> RunSummary:
        skipped = {key[len(SKIPPED_PREFIX) :]: value for key, value in stats.items() if key.startswith(SKIPPED_PREFIX)}
        return cls(
            run_id=stats.get("newsmill/run_id"),
            seen=stats.get("newsmill/seen", 0),
            stored=stats.get("newsmill/stored", 0),
            duplicates=stats.get("newsmill/duplicates", 0),
            unchanged=stats.get("newsmill/unchanged", 0),
            new_versions=stats.get("newsmill/new_versions", 0),
            skipped=dict(sorted(skipped.items(), key=lambda pair: (-pair[1], pair[0]))),
            # Scrapy's own error count covers spider and download errors too
            errors=max(stats.get("newsmill/errors", 0), stats.get("log_count/ERROR", 0)),
            elapsed=stats.get("elapsed_time_seconds", 0.0),
            finish_reason=stats.get("finish_reason"),
            near_duplicates=stats.get("newsmill/near_duplicates", 0),
            not_extracted_again=stats.get("newsmill/extraction_skipped", 0),
        )

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def lines(self) -> list[str]:
        rate = self.seen / self.elapsed if self.elapsed else 0.0
        out = [
            f"run {self.run_id}: {self.seen} documents seen in {self.elapsed:.1f}s ({rate:.0f}/s)",
            f"  stored (new articles)       {self.stored}",
            f"  duplicates (new sightings)  {self.duplicates}",
            f"  near duplicates (edited)    {self.near_duplicates}",
            f"  already in archive          {self.unchanged}"
            + (
                f" ({self.not_extracted_again} with the same bytes: not extracted again)"
                if self.not_extracted_again
                else ""
            ),
            f"  updated (new versions)      {self.new_versions}",
            f"  skipped                     {self.skipped_total}",
        ]
        out += [f"    {code:<26}{count}" for code, count in self.skipped.items()]
        out.append(f"  errors                      {self.errors}")
        if self.finish_reason and self.finish_reason != "finished":
            out.append(f"  stopped early: {self.finish_reason}")
        return out
