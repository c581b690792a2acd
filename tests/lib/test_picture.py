"""The one picture engine: a shape narrower or lower than a pixel is still drawn, one pixel."""

from __future__ import annotations

import io

from PIL import Image

from lakthan.lib.picture import Rect, Scene, to_png


def test_a_rectangle_thinner_than_a_pixel_draws_one_pixel():
    scene = Scene(20, 10, "t")
    scene.add(Rect(5, 2, 0.1, 6, "#ff0000"), Rect(12, 4, 3, 0.2, "#0000ff"))
    image = Image.open(io.BytesIO(to_png(scene, None, scale=1))).convert("RGB")
    assert image.getpixel((5, 4)) == (255, 0, 0)
    assert image.getpixel((6, 4)) == (255, 255, 255)
    assert image.getpixel((13, 4)) == (0, 0, 255)
    assert image.getpixel((13, 5)) == (255, 255, 255)
