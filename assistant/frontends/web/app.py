"""The Gradio web app: Ask, Critique, Library and About tabs.

``build_app(lisa, settings, owners)`` returns a ``gr.Blocks``; nothing happens on
import. Callbacks call into ``Lisa`` and format with the pure helpers in
``format`` and ``format_critique``. Everything one officer does (conversation, uploaded draft,
critique report, report files) lives in that session's ``gr.State`` and its
private temporary folder, removed when the session ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.documents.model import SUPPORTED_SUFFIXES
from assistant.frontends.web.callbacks import Callbacks
from assistant.frontends.web.format import DRAFT_SUFFIXES, message_html, size_limit
from assistant.frontends.web.guard import OwnerGuard
from assistant.frontends.web.loader import LisaLoader
from assistant.frontends.web.login import MESSAGE as LOGIN_MESSAGE
from assistant.frontends.web.login import LoginThrottle
from assistant.frontends.web.owners import FileOwners
from assistant.frontends.web.style import CSS, HEAD, make_theme
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Lisa

__all__ = ["FileOwners", "LisaLoader", "build_app", "launch_kwargs"]


CONCURRENCY = 4  # officers served at once; queued beyond that
HEAVY_LIMIT = 2  # critiques and library ingests at once (CPU-bound)
SESSION_TTL_S = 8 * 3600  # a working day; closed tabs are cleaned up at once by unload
EXAMPLES = [
    "What should a Local Industrial Strategy set out to achieve?",
    "How should we involve young people in developing our LIS?",
    "What does rural proofing mean for our strategy?",
    "How can anchor institutions support the strategy?",
]
STARTING = "LISA is starting: loading the embedding model and the guidance library…"


def launch_kwargs(settings: Settings, owners: FileOwners) -> dict[str, Any]:
    """Arguments for ``demo.launch`` shared by app.py, the tests and the benchmark.

    ``owners`` is the registry given to ``build_app``: the guard middleware on Gradio's
    own app serves each browser only its own files (see guard.py)."""
    from starlette.middleware import Middleware

    kwargs: dict[str, Any] = {
        "app_kwargs": {"middleware": [Middleware(OwnerGuard, owners=owners)]},
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "theme": make_theme(),
        "css": CSS,
        "head": HEAD,
        "max_file_size": settings.max_file_bytes,  # the same limit our own checks state
        "footer_links": ["api", "settings"],
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "show_error": True,
        "quiet": True,  # no "set share=True" hint: LISA is offline and prints its own address
    }
    if bool(settings.auth_username) != bool(settings.auth_password):
        raise ValueError("set both LISA_AUTH_USERNAME and LISA_AUTH_PASSWORD, or neither")
    if settings.accounts:
        kwargs["auth"] = LoginThrottle(settings.accounts)
        kwargs["auth_message"] = LOGIN_MESSAGE
    return kwargs


def exposure_warning(settings: Settings) -> str | None:
    """A loud warning when the app listens beyond this machine with no login, else None."""
    import ipaddress

    host = settings.host.strip("[]")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: only "localhost" is known to stay on this machine
        loopback = False
    if loopback or settings.accounts:
        return None
    return (
        f"WARNING: LISA is listening on {settings.host}, beyond this machine, with login off: "
        "anyone who can reach it can read the library, ask, and upload drafts. Set "
        "LISA_AUTH_USERNAME and LISA_AUTH_PASSWORD, or LISA_HOST=127.0.0.1."
    )


def build_app(lisa: Lisa | LisaLoader, settings: Settings, owners: FileOwners) -> gr.Blocks:
    """The web app around a ready ``Lisa`` (or a ``LisaLoader`` still loading one);
    ``owners`` is the app's file registry, also given to ``launch_kwargs``."""
    cb = Callbacks(lisa, settings, owners)

    # --- layout ---------------------------------------------------------------
    with gr.Blocks(
        title="LISA: Local Industrial Strategy Assistant",
        analytics_enabled=False,
        delete_cache=(1800, 4 * 3600),
    ) as demo:
        state = gr.State(None, time_to_live=SESSION_TTL_S, delete_callback=cb.end_session)
        gr.HTML(
            '<a class="lisa-skip" href="#lisa-main">Skip to main content</a>'
            '<header class="lisa-header"><h1>LISA</h1><p>Local Industrial Strategy '
            "Assistant: questions answered from the guidance, with sources, and "
            "critiques of draft strategies.</p></header>"
        )
        with gr.Row(equal_height=True):
            banner = gr.HTML(message_html(STARTING), elem_id="lisa-banner")
            if settings.accounts:  # Gradio's own route ends the session's login
                gr.Button("Sign out", link="/logout", size="sm", scale=0, elem_id="sign-out")
        with gr.Tabs(elem_id="lisa-main"):
            with gr.Tab("Ask", id="ask"):
                chatbot = gr.Chatbot(
                    label="Conversation with LISA",
                    height="70vh",
                    elem_id="ask-chat",
                    buttons=["copy"],
                    placeholder="Ask a question about Local Industrial "
                    "Strategy guidance. Answers quote their sources.",
                )
                question = gr.Textbox(
                    label="Your question",
                    lines=1,
                    max_lines=6,
                    elem_id="ask-question",
                    placeholder="For example: how should we involve local people?",
                )
                with gr.Row():
                    ask_btn = gr.Button("Ask", variant="primary", elem_id="ask-button")
                    clear_btn = gr.Button("Start a new conversation", variant="secondary")
                    save_btn = gr.Button(
                        "Download the conversation", variant="secondary", elem_id="save-chat"
                    )
                feedback_note = gr.HTML()
                conversation_files = gr.File(
                    label="Your conversation (Word, Markdown)",
                    file_count="multiple",
                    interactive=False,
                    visible=False,
                    elem_id="chat-downloads",
                )
                gr.Examples(EXAMPLES, inputs=[question], label="Example questions")
            with gr.Tab("Critique a draft", id="critique"):
                gr.Markdown(
                    "Upload a draft strategy to check it against the twelve principles "
                    "of the guidance. PDF, Word (.docx), Markdown or text, "
                    f"{size_limit(settings.max_file_mb)}."
                )
                draft_file = gr.File(
                    label="Draft strategy",
                    file_types=list(DRAFT_SUFFIXES),
                    type="filepath",
                    elem_id="draft-file",
                )
                critique_btn = gr.Button(
                    "Critique the draft", variant="primary", elem_id="critique-button"
                )
                critique_status = gr.HTML(elem_id="critique-status")
                with gr.Column(visible=False, elem_id="critique-results") as results:
                    warnings_md = gr.Markdown(visible=False, elem_classes="lisa-warnings")
                    summary_md = gr.Markdown()
                    engagement_md = gr.Markdown()
                    table_html = gr.HTML(elem_id="principles-table")
                    principle_pick = gr.Dropdown(
                        label="Show the evidence for a principle", choices=[], interactive=True
                    )
                    detail_md = gr.Markdown()
                    downloads = gr.File(
                        label="Download the report (Word, HTML, Markdown, JSON)",
                        file_count="multiple",
                        interactive=False,
                        elem_id="report-downloads",
                    )
                    gr.Markdown("### Ask about this draft")
                    draft_chat = gr.Chatbot(
                        label="Questions about the draft", height=360, buttons=["copy"]
                    )
                    draft_question = gr.Textbox(
                        label="Your question about the draft",
                        lines=1,
                        placeholder="For example: where does our draft talk about young people?",
                    )
                    draft_ask_btn = gr.Button("Ask about the draft", variant="primary")
            with gr.Tab("Library", id="library"):
                library_table = gr.HTML(elem_id="library-table")
                library_status = gr.HTML()
                manage_note = gr.HTML(elem_id="library-note")
                with gr.Column(
                    visible=not settings.accounts, elem_id="library-manage"
                ) as manage_box:
                    add_file = gr.File(
                        label="Add a guidance document (PDF, Word, Markdown, text or "
                        f"HTML, {size_limit(settings.max_file_mb)})",
                        file_types=list(SUPPORTED_SUFFIXES),
                        type="filepath",
                    )
                    add_btn = gr.Button("Add to the library", variant="primary")
                    remove_pick = gr.Dropdown(label="Document to remove", choices=[])
                    remove_btn = gr.Button(
                        "Remove from the library", variant="stop", elem_id="remove"
                    )
                    with gr.Group(visible=False, elem_id="confirm-remove") as confirm_box:
                        confirm_text = gr.Markdown()
                        with gr.Row():
                            confirm_btn = gr.Button("Yes, remove it", variant="stop")
                            cancel_btn = gr.Button("Cancel", elem_id="cancel-remove")
            with gr.Tab("About", id="about"):
                about_md = gr.Markdown("Loading…")

        demo.load(
            cb.on_load,
            None,
            [banner, about_md, library_table, remove_pick, manage_box, manage_note],
            api_name="status",
        )
        gr.on(
            [question.submit, ask_btn.click],
            cb.ask,
            [question, state],
            [chatbot, question, state],
            api_name="ask",
            show_progress="minimal",
        )
        clear_btn.click(
            cb.new_conversation,
            [state],
            [chatbot, question, state, feedback_note],
            api_name="new_conversation",
        )
        save_btn.click(
            cb.download_conversation,
            [state],
            [conversation_files, feedback_note, state],
            api_name="download_conversation",
        )
        # the chat's own bin icon empties the history too, not just the view
        chatbot.clear(cb.new_conversation, [state], [chatbot, question, state, feedback_note])
        chatbot.like(cb.rate, [state], [feedback_note], api_visibility="private")
        critique_outputs = [
            critique_status,
            results,
            warnings_md,
            summary_md,
            engagement_md,
            table_html,
            principle_pick,
            detail_md,
            downloads,
            draft_chat,
            state,
        ]
        critique_btn.click(
            cb.critique,
            [draft_file, state],
            critique_outputs,
            api_name="critique",
            concurrency_limit=HEAVY_LIMIT,
            concurrency_id="heavy",
        )
        principle_pick.change(
            cb.show_principle, [principle_pick, state], [detail_md], api_name="principle"
        )
        gr.on(
            [draft_question.submit, draft_ask_btn.click],
            cb.ask_draft,
            [draft_question, state],
            [draft_chat, draft_question, state],
            api_name="ask_draft",
        )
        draft_chat.clear(cb.new_draft_conversation, [state], [draft_chat, draft_question, state])
        library_outputs = [library_status, library_table, remove_pick, banner]
        add_btn.click(
            cb.add_document,
            [add_file],
            library_outputs,
            api_name="add_document",
            concurrency_limit=HEAVY_LIMIT,
            concurrency_id="heavy",
        )
        # removal asks first: it changes the library for every user at once
        remove_btn.click(
            cb.confirm_removal, [remove_pick], [confirm_box, confirm_text, library_status]
        )
        cancel_btn.click(lambda: gr.update(visible=False), None, [confirm_box])
        confirm_btn.click(
            cb.remove_document, [remove_pick], library_outputs, api_name="remove_document"
        ).then(lambda: gr.update(visible=False), None, [confirm_box])
        demo.unload(cb.on_unload)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo
