/**
 * Hostile strings for the results panel: each would run code, load something or hide the page
 * if the panel ever put log text into the DOM as markup, as a URL or as CSS. Every one that
 * runs trips a wire the tests watch: it sets `window.__pwned`, calls `alert`, posts a message
 * to the page, or requests `<marker>/pwned…` from the test's own HTTP server.
 *
 * None holds a double quote or a line break, so each fits in a quoted field of a combined log
 * line (the real-VS Code test writes them into a log).
 */
export function xssPayloads(marker: string): string[] {
  return [
    '<script>window.__pwned=1</script>',
    '<img src=x onerror=window.__pwned=2>',
    `<img src=${marker}/pwned-img>`,
    'javascript:window.__pwned=3//',
    '</textarea><script>window.__pwned=4</script>',
    '</style><style>*{display:none}</style>',
    '<svg onload=window.__pwned=5>',
    '<svg><script>window.__pwned=6</script></svg>',
    '\u202Egpj.exe',
    'abc\u202Edef\u2066ghi\u2069',
    "{{constructor.constructor('window.__pwned=7')()}}",
    '${window.__pwned=8}',
    "<iframe src=javascript:parent.postMessage('pwned','*')>",
    '<a href=javascript:window.__pwned=9>x</a>',
    '<details open ontoggle=window.__pwned=10>',
    '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=11>',
    `'><img src=x onerror=fetch('${marker}/pwned-fetch')>`,
    '<object data=javascript:window.__pwned=12>',
    `<link rel=stylesheet href=${marker}/pwned-css>`,
    "<meta http-equiv=refresh content='0;url=javascript:window.__pwned=13'>",
    `<base href=${marker}/pwned-base/>`,
    '<input autofocus onfocus=window.__pwned=14>',
    `@import url(${marker}/pwned-import.css);`,
    `<style>@import '${marker}/pwned-style';</style>`,
    '<body onload=alert(15)>',
    '<x onclick=window.__pwned=16 tabindex=1>click</x>',
  ];
}

/**
 * How the panel shows a string: bidirectional controls as visible escapes (so they cannot
 * reorder the text around them), everything else as is. Kept here independently of the
 * panel's code so the test states the rule rather than reusing the implementation.
 */
export function shownAs(text: string): string {
  return text.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}
