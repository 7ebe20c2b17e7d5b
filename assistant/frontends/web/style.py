"""Sober, GOV.UK-like look: black on white, one blue, yellow focus, system fonts only.

No web fonts: the theme names installed fonts, so the page requests nothing
from Google Fonts or any other CDN.
"""

from __future__ import annotations

from typing import Any

BLUE = "#1d70b8"
DARK_BLUE = "#003078"
BLACK = "#0b0c0c"
FOCUS = "#ffdd00"
GREY = "#f3f2f1"
MID_GREY = "#b1b4b6"
SECONDARY_TEXT = "#505a5f"  # GOV.UK secondary text: 7:1 on white (axe colour-contrast)
RED = "#d4351c"
GREEN = "#00703c"

FONTS = ["Arial", "Helvetica", "Liberation Sans", "sans-serif"]
MONO_FONTS = ["Consolas", "Liberation Mono", "monospace"]


def make_theme() -> Any:
    import gradio as gr

    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        neutral_hue=gr.themes.colors.gray,
        text_size=gr.themes.sizes.text_lg,
        radius_size=gr.themes.sizes.radius_none,
        font=FONTS,
        font_mono=MONO_FONTS,
    )
    return theme.set(
        body_text_color=BLACK,
        body_text_color_subdued=SECONDARY_TEXT,
        input_placeholder_color=SECONDARY_TEXT,
        body_background_fill="#ffffff",
        link_text_color=BLUE,
        link_text_color_hover=DARK_BLUE,
        link_text_color_visited="#4c2c92",
        button_primary_background_fill=BLUE,
        button_primary_background_fill_hover=DARK_BLUE,
        button_primary_text_color="#ffffff",
        button_primary_border_color=BLUE,
        button_secondary_background_fill=GREY,
        button_secondary_background_fill_hover="#dbdad9",
        button_secondary_text_color=BLACK,
        button_secondary_border_color=BLACK,
        button_cancel_background_fill=RED,
        button_cancel_background_fill_hover="#aa2a16",
        button_cancel_text_color="#ffffff",
        input_border_color=BLACK,
        input_border_width="2px",
        block_label_text_color=BLACK,
        block_title_text_color=BLACK,
        color_accent=BLUE,
        color_accent_soft="#d2e2f1",
    )


CSS = f"""
.gradio-container {{ max-width: 1100px !important; margin: 0 auto; color: {BLACK};
  font-size: 17px; }}
.gradio-container p, .gradio-container li, .gradio-container td, .gradio-container th,
.gradio-container label, .gradio-container input, .gradio-container textarea {{
  font-size: 17px; line-height: 1.45; }}
.lisa-header {{ background: {BLACK}; color: #fff; padding: 14px 18px;
  border-bottom: 10px solid {BLUE}; }}
.lisa-header h1 {{ color: #fff; margin: 0; font-size: 30px; font-weight: 700; }}
.lisa-header p {{ color: #fff; margin: 4px 0 0; font-size: 17px; }}
.gradio-container a {{ color: {BLUE}; text-decoration: underline; }}
.gradio-container *:focus-visible, .gradio-container button:focus,
.gradio-container input:focus, .gradio-container textarea:focus {{
  outline: 3px solid {FOCUS} !important; outline-offset: 0 !important;
  box-shadow: inset 0 0 0 2px {BLACK}, 0 0 0 3px {FOCUS} !important; }}
.lisa-banner {{ border-left: 8px solid {BLUE}; background: {GREY}; padding: 10px 14px;
  font-size: 17px; }}
.lisa-banner-warning {{ border-left-color: {RED}; background: #fdf0ee; font-weight: 700; }}
.lisa-message {{ padding: 10px 14px; font-size: 17px; border-left: 8px solid {BLUE};
  background: {GREY}; }}
.lisa-message-error {{ border: 4px solid {RED}; border-left-width: 8px; background: #fff; }}
.lisa-message-success {{ border-left-color: {GREEN}; }}
.lisa-warnings {{ border: 4px solid {RED}; padding: 8px 16px; }}
.lisa-warnings .lisa-warnings {{ border: 0; padding: 0; }}
table.lisa-library {{ border-collapse: collapse; width: 100%; font-size: 17px; }}
table.lisa-library caption {{ text-align: left; font-weight: 700; padding: 6px 0; }}
table.lisa-library th, table.lisa-library td {{ border-bottom: 1px solid {MID_GREY};
  padding: 8px 10px 8px 0; text-align: left; vertical-align: top; }}
table.lisa-library thead th {{ border-bottom: 2px solid {BLACK}; }}
table.lisa-library tbody th {{ font-weight: 400; }}
table.lisa-principles {{ border-collapse: collapse; width: 100%; font-size: 17px; }}
table.lisa-principles caption {{ text-align: left; font-weight: 700; padding: 6px 0;
  font-size: 19px; }}
table.lisa-principles th, table.lisa-principles td {{ border-bottom: 1px solid {MID_GREY};
  padding: 8px 10px 8px 0; text-align: left; vertical-align: top; }}
table.lisa-principles thead th {{ border-bottom: 2px solid {BLACK}; }}
.lisa-passage {{ border-left: 4px solid {MID_GREY}; padding: 4px 12px; margin: 6px 0; }}
.lisa-passage summary {{ cursor: pointer; color: {DARK_BLUE}; text-decoration: underline; }}
.lisa-details summary {{ cursor: pointer; color: {DARK_BLUE}; text-decoration: underline;
  font-size: 15px; }}
.lisa-details li {{ font-size: 15px; }}
.lisa-passage mark {{ background: {FOCUS}; color: {BLACK}; }}
.lisa-skip {{ position: absolute; left: -10000px; top: auto; width: 1px; height: 1px;
  overflow: hidden; }}
.lisa-skip:focus {{ position: static; width: auto; height: auto; display: inline-block;
  background: {FOCUS}; color: {BLACK} !important; padding: 6px 10px; }}
.lisa-bars {{ display: flex; border: 2px solid {BLACK}; overflow: hidden; }}
.lisa-bar {{ padding: 6px 4px; font-weight: 700; white-space: nowrap; overflow: hidden;
  text-align: center; }}
.lisa-chart {{ margin: 8px 0 16px; }}
.lisa-chart figcaption {{ font-size: 17px; }}
.lisa-rag {{ display: inline-block; padding: 2px 8px; font-weight: 700; white-space: nowrap; }}
.lisa-rag-green {{ background: #cce2d8; color: #005a30; }}
.lisa-rag-amber {{ background: #fff7bf; color: #594d00; }}
.lisa-rag-red {{ background: #f4cdc6; color: #942514; }}
"""


# Gradio's upload area is a button named "Click to upload or drop files" while it shows
# "Drop File Here - or - Click to Upload"; speech users say what they see, so its name is
# set to its visible text (axe: label-content-name-mismatch), also for areas drawn later.
HEAD = """<script>
(() => {
  const name = () => document.querySelectorAll("button.upload-container").forEach((b) => {
    const text = (b.innerText || "").replace(/\\s+/g, " ").trim();
    if (text && b.getAttribute("aria-label") !== text) b.setAttribute("aria-label", text);
  });
  new MutationObserver(name).observe(document.documentElement, {subtree: true, childList: true});
})();
</script>"""
