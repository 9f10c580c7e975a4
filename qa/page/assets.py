"""The chat page's CSS, its few scripts and its footer: static text that :mod:`qa.app` hands to Gradio.

The scripts only send clicks back to the server and scroll; every answer and article the page
shows is HTML built by :mod:`qa.page.render`.
"""

# The page's footer, in Indonesian, in place of Gradio's English one (launch(footer_links=[]) turns that off, and with
# it Gradio's English API and settings pages): the API is documented in the README.
FOOTER = ('<footer class="qa-footer">Juga bisa dipakai lewat API: <code>/ask</code> (pertanyaan, jumlah bagian), '
          'dengan <code>gradio_client</code>; lihat README · Dibuat dengan Gradio</footer>')


PAGE_CSS = """
.gradio-container{max-width:1320px!important}
.app-title{margin:.2rem 0 0}.app-sub{margin:.1rem 0 .4rem;opacity:.8}
#chat,#reader,#articles{overflow-wrap:anywhere;word-break:break-word}
#chat .conv{max-height:64vh;overflow-y:auto;position:relative;padding:.2rem .3rem}
.welcome{padding:.8rem 1rem;border:1px dashed var(--border-color-primary);border-radius:12px}
.turn{margin:.4rem 0 1rem}.turn .q,.turn .a{border-radius:12px;padding:.55rem .9rem;margin:.3rem 0}
.turn .q{background:var(--color-accent-soft);margin-left:12%}
.turn .a{border:1px solid var(--border-color-primary);background:var(--block-background-fill);margin-right:4%}
.who{display:block;font-size:.75em;font-weight:600;opacity:.65;margin-bottom:.1rem}
blockquote.answer-quote{font-size:1.12em;border-left:4px solid var(--color-accent);margin:.2rem 0 .6rem;padding:.1rem .8rem}
.no-answer,.not-sure{font-weight:700;margin:.2rem 0 .4rem}.not-sure{color:#b45309}.near-evidence{font-style:italic;margin:.2rem 0 .5rem;opacity:.9}.closest-label,.cites-label{font-size:.9em;opacity:.85}
.closest-label{font-style:italic}.pending{opacity:.7;font-style:italic}.error{color:var(--error-text-color,#b91c1c)}
ol.cites{list-style:none;padding-left:0;margin:.2rem 0}.cite{margin:.15rem 0}
.cite summary{cursor:pointer;color:var(--link-text-color);padding:.2rem 0}
.closest .cite summary{color:inherit;opacity:.9}.near-quote{font-style:italic;margin:.2rem 0 .3rem 1rem}
.part{margin:.2rem 0 .5rem}.part-label{font-weight:600;font-size:.88em}.part-where{font-size:.85em;opacity:.85}
.passage{white-space:pre-wrap;background:var(--background-fill-secondary);padding:.5rem .7rem;border-radius:8px;
margin:.3rem 0}
mark.quote{background:#fde68a;color:#111;padding:0 .1em;border-radius:3px}
mark.answer{background:#f59e0b;color:#111;font-weight:600;padding:0 .05em;border-radius:3px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.05rem .8rem;font-size:.88em;margin:.3rem 0}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}.also-in{font-size:.9em}.also-in ul{margin:.1rem 0}
button.open-reader,button.linkish{font:inherit;cursor:pointer;color:var(--link-text-color);background:none;border:0;
padding:.1rem 0;text-align:left;text-decoration:underline}
button.open-reader{font-size:.9em}
.panel-title{font-size:1.1rem;margin:.2rem 0}.reader-empty{opacity:.75;padding:.5rem 0}
.reader-title{font-weight:700;font-size:1.1em}.reader-meta,.reader-source{font-size:.9em;opacity:.85}
.reader-body{white-space:pre-wrap;max-height:calc(100vh - 18rem);overflow-y:auto;position:relative;margin-top:.5rem;
padding:.5rem .7rem;border:1px solid var(--border-color-primary);border-radius:8px;line-height:1.55}
.page-break{display:block;margin:.6rem 0;border-top:1px dashed var(--border-color-primary,#999);font-size:.8em;
  color:var(--body-text-color-subdued,#666);text-align:center;user-select:none}
.page-break::before{content:"hlm. " attr(data-page)}
.reader-body .passage{display:inline;padding:.1em 0;margin:0;background:#dbeafe;color:#111;border-radius:0}
table.articles{width:100%}table.articles td,table.articles th{padding:.25rem .4rem;vertical-align:top}
.examples-label{font-size:.9em;opacity:.8;margin-top:.2rem}
.qa-footer{text-align:center;font-size:.85em;opacity:.75;margin:1rem 0 .5rem}
@media (min-width:900px){#reader-col{position:sticky;top:.5rem;align-self:flex-start}}
@media (max-width:640px){.turn .q{margin-left:0}.turn .a{margin-right:0}#chat .conv{max-height:none}
.reader-body{max-height:70vh}
#top{flex-direction:column!important;flex-wrap:nowrap!important;align-items:stretch!important;gap:.4rem!important}
#top>*{width:100%!important;min-width:0!important;max-width:100%!important;flex:0 0 auto!important}}
body.qa-large{--qa-text:1.5rem;--qa-input:1.4rem;--qa-title:2.2rem}
.conv,.reader,table.articles{font-size:var(--qa-text,1rem)}#question textarea{font-size:var(--qa-input,1rem)}
.app-title{font-size:var(--qa-title,1.7rem)}
"""

# Clicks on anything with data-doc (citations, "open the article" buttons, the article list)
# ask the server for the source reader; closing a citation does nothing.
CLICK_JS = """
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-doc]');
  if (!el || !element.contains(el)) return;
  if (el.tagName === 'SUMMARY' && el.parentElement.open) return;
  const d = el.dataset;
  trigger('click', {doc: d.doc, passage: d.passage || '', qs: Number(d.qs), qe: Number(d.qe), as: Number(d.as), ae: Number(d.ae)});
  if (d.jump) {
    const reader = document.getElementById('reader');
    const top = reader ? reader.getBoundingClientRect().top : 0;
    if (reader && (top < 0 || top > window.innerHeight - 120)) reader.scrollIntoView({block: 'start'});
  }
});
"""
# The newest question scrolled to the top of the conversation box and, when the window is elsewhere (a phone scrolled
# down to the source reader, where the box does not scroll), the window brought to it.
SHOW_LAST = """
  const box = root.querySelector('.conv');
  const turns = root.querySelectorAll('.turn');
  if (box && turns.length) {
    const last = turns[turns.length - 1];
    box.scrollTop = Math.max(0, last.offsetTop - 8);
    const top = last.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) last.scrollIntoView({block: 'start'});
  }
"""
# After each answer (and while it is being looked for), the newest question is shown.
CHAT_JS = CLICK_JS + """
watch('value', () => { const root = element;""" + SHOW_LAST + """});
"""
# The source reader scrolls the highlighted passage (or, if it is taller than the box, its quote) into view.
READER_JS = """
watch('value', () => {
  const box = element.querySelector('.reader-body');
  const passage = element.querySelector('#reader-passage');
  const quote = element.querySelector('#reader-passage mark.quote');
  if (!box) return;
  let top = passage ? passage.offsetTop - 48 : 0;
  if (quote && quote.offsetTop + quote.offsetHeight > top + box.clientHeight) top = quote.offsetTop - box.clientHeight / 3;
  box.scrollTop = Math.max(0, top);
});
"""
# Large text (the projector): the text grows, so the newest question is shown again once the page has laid it out.
LARGE_JS = """(on) => {
  document.body.classList.toggle('qa-large', !!on);
  requestAnimationFrame(() => { const root = document.getElementById('chat'); if (!root) return;""" + SHOW_LAST + """});
}"""
