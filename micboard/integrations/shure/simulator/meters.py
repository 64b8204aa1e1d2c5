"""How a live simulated channel's meters move: RF on every antenna, audio, rare peaks.

The model, step by step (a step is one SAMPLE of a metering stream, or one fleet tick,
and stands for that many seconds of sound):

- **RF.** Each antenna's level walks at random, pulled back towards ``TYPICAL_RF`` (-33 dBm),
  so both antennas of a diversity receiver always report a level of their own. An antenna
  is lit in the antenna indicator while it is within ``DIVERSITY_WINDOW`` of the stronger
  one: mostly ``AB``, with spells on ``AX`` or ``XB``.
- **Audio.** The programme level walks between ``PROGRAMME_RANGE``, pulled towards
  ``TYPICAL_AUDIO`` (-26 dBFS): well under the peak threshold (40, -10 dBFS).
- **Peaks** are rare events: a Poisson process of one every ``PEAK_EVERY`` seconds on
  average per channel, whatever the metering rate. A step of ``s`` seconds peaks with
  probability ``1 - exp(-s / PEAK_EVERY)`` and the peak lasts that step. At 100 ms metering
  that is one SAMPLE in 1,800; a client that holds AUDIO_PEAK 10 s after a peak sees a
  channel in it about 5% of the time.

Every draw comes from the receiver's seeded ``random.Random``: the same seed and the same
steps give the same values.
"""

from __future__ import annotations

import math
import random

TYPICAL_RF = 95
RF_RANGE = (70, 110)
RF_PULL = 0.1
DIVERSITY_WINDOW = 6
"""dB: an antenna this close to the stronger one is lit too."""
TYPICAL_AUDIO = 24
PROGRAMME_RANGE = (12, 34)
AUDIO_PULL = 0.2
PEAK_RANGE = (40, 48)
PEAK_EVERY = 180.0
"""Seconds between a live channel's audio peaks, on average."""
STEP = 3
ANTENNAS = "AB"


def step_rf(levels: tuple[int, ...], rng: random.Random) -> tuple[int, ...]:
    """Every antenna's next level (dBm + 128)."""
    low, high = RF_RANGE
    return tuple(
        min(
            high, max(low, level + round((TYPICAL_RF - level) * RF_PULL) + rng.randint(-STEP, STEP))
        )
        for level in levels
    )


def lit_antennas(levels: tuple[int, ...]) -> str:
    """``AB``, ``AX`` or ``XB``: the antennas within ``DIVERSITY_WINDOW`` of the strongest."""
    strongest = max(levels)
    return "".join(
        name if level >= strongest - DIVERSITY_WINDOW else "X"
        for name, level in zip(ANTENNAS, levels, strict=True)
    )


def step_programme(level: int, rng: random.Random) -> int:
    """The next programme audio level (dBFS + 50), never a peak."""
    low, high = PROGRAMME_RANGE
    pulled = level + round((TYPICAL_AUDIO - level) * AUDIO_PULL) + rng.randint(-STEP, STEP)
    return min(high, max(low, pulled))


def peaks(seconds: float, rng: random.Random) -> bool:
    """Whether a step of ``seconds`` holds a peak; 0 seconds never does."""
    return rng.random() < -math.expm1(-seconds / PEAK_EVERY)


def peak_level(rng: random.Random) -> int:
    return rng.randint(*PEAK_RANGE)
