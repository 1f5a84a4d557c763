"""Light, sharp animations of 2-D optimization paths in a notebook (chapter 1).

``matplotlib.animation.FuncAnimation(...).to_jshtml()`` stores one raster
image per frame: for 30 frames of a small contour plot that is 300 KB or
more, several seconds to render, and blurry text. Here matplotlib draws the
static picture (contour lines, axes, legend) once, as one PNG, and the
moving parts (a short tail and a dot per path) are SVG elements that a few
lines of JavaScript move from frame to frame. The result is a few tens of
KB, renders in a fraction of a second and stays sharp at any zoom.

Where JavaScript does not run (an untrusted notebook, a static viewer), the
picture shows the last frame.
"""

import base64
import hashlib
import io
import json

import numpy as np

_TEMPLATE = """\
<div id="{uid}" style="font-family: sans-serif; font-size: 13px;">
<div style="position: relative; width: {width}px; height: {height}px;">
<img src="data:image/png;base64,{png}" width="{width}" height="{height}"
 style="position: absolute; left: 0; top: 0;" alt="{alt}">
<svg width="{width}" height="{height}" style="position: absolute; left: 0; top: 0;">
<defs><clipPath id="{uid}-clip"><rect x="{clip_x}" y="{clip_y}" width="{clip_w}" height="{clip_h}"/></clipPath></defs>
<g clip-path="url(#{uid}-clip)">
{marks}
</g>
</svg>
</div>
<div style="margin-top: 4px;">
<button type="button" class="play">&#9654; play</button>
<input type="range" class="step" min="0" max="{last}" value="{last}" style="width: 240px; vertical-align: middle;">
<span class="label">step {last}</span>
</div>
</div>
<script>
(function () {{
  const root = document.getElementById("{uid}");
  const paths = {data};
  const tail = {tail}, last = {last}, interval = {interval};
  const lines = root.querySelectorAll("polyline"), dots = root.querySelectorAll("circle");
  const slider = root.querySelector(".step"), label = root.querySelector(".label");
  let timer = null;
  function show(i) {{
    paths.forEach(function (p, k) {{
      lines[k].setAttribute("points", p.slice(Math.max(0, i - tail), i + 1).map(function (q) {{
        return q.join(",");
      }}).join(" "));
      dots[k].setAttribute("cx", p[i][0]);
      dots[k].setAttribute("cy", p[i][1]);
    }});
    slider.value = i;
    label.textContent = "step " + i;
  }}
  function stop() {{ clearInterval(timer); timer = null; }}
  root.querySelector(".play").onclick = function () {{
    stop();
    let i = 0;
    show(i);
    timer = setInterval(function () {{ i += 1; if (i > last) {{ stop(); }} else {{ show(i); }} }}, interval);
  }};
  slider.oninput = function () {{ stop(); show(Number(slider.value)); }};
}})();
</script>
"""


def path_animation_html(fig, ax, paths, colors, tail=4, interval=250, alt="animation"):
    """HTML and JavaScript that animate ``paths`` over the picture already drawn in ``ax``.

    fig, ax: a matplotlib figure and its axes with the static picture
    (contours, labels, legend); the figure is saved once, at its own dpi.
    paths: {name: array (steps + 1, 2)} in data coordinates, all the same length.
    colors: {name: color} for the tail and dot of each path (any SVG color).
    tail: how many past steps the line behind each dot shows; interval: ms per frame.
    Returns a string for ``IPython.display.HTML``. It is deterministic: the
    element id is derived from the content.
    """
    arrays = {name: np.asarray(path, dtype=float) for name, path in paths.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"all paths must have the same number of points, got {sorted(lengths)}")
    for name, a in arrays.items():
        if a.ndim != 2 or a.shape[1] != 2:
            raise ValueError(f"paths[{name!r}] has shape {a.shape}, expected (steps + 1, 2)")
        if name not in colors:
            raise ValueError(f"colors has no entry for {name!r}")
    last = lengths.pop() - 1

    fig.canvas.draw()  # fix the layout, so that the data-to-pixel transform is final
    width, height = fig.canvas.get_width_height()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    png = base64.b64encode(buffer.getvalue()).decode("ascii")

    def to_pixels(points):
        xy = ax.transData.transform(points)
        xy[:, 1] = height - xy[:, 1]  # SVG's y axis points down
        return np.round(xy, 1)

    pixels = {name: to_pixels(a) for name, a in arrays.items()}
    box = ax.get_window_extent()
    marks = []
    for name, xy in pixels.items():
        shown = " ".join(f"{x:g},{y:g}" for x, y in xy[max(0, last - tail):])
        marks.append(f'<polyline points="{shown}" fill="none" stroke="{colors[name]}" stroke-width="1.6"/>')
    for name, xy in pixels.items():
        marks.append(f'<circle cx="{xy[-1, 0]:g}" cy="{xy[-1, 1]:g}" r="3.5" fill="{colors[name]}"/>')
    data = json.dumps([xy.tolist() for xy in pixels.values()], separators=(",", ":"))
    uid = "paths-" + hashlib.sha1((png + data).encode("ascii")).hexdigest()[:12]
    return _TEMPLATE.format(
        uid=uid, width=width, height=height, png=png, alt=alt, last=last, tail=int(tail),
        interval=int(interval), data=data, marks="\n".join(marks),
        clip_x=round(box.x0, 1), clip_y=round(height - box.y1, 1),
        clip_w=round(box.width, 1), clip_h=round(box.height, 1),
    )
