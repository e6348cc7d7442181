// Reads one PDF in a worker thread: the text layer of each page, and a PNG rendering of the pages that have none.
// Plain JavaScript on purpose: pdfjs-dist is ESM-only and jest runs the project as CommonJS, while a worker thread
// loads modules with Node's own loader. The thread also lets the reader stop a slow PDF by terminating it.
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Characters of a page's text layer below which the page counts as scanned (page numbers, headers). */
const MIN_TEXT_CHARS = 8;

async function read({ bytes, maxPages, renderScale }) {
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    if (e && e.name === 'PasswordException') return { notScanned: 'encrypted_pdf', detail: 'the PDF needs a password' };
    return { notScanned: 'unreadable', detail: `not a readable PDF (${e && e.name ? e.name : 'error'})` };
  }
  try {
    const pages = [];
    const count = Math.min(doc.numPages, maxPages);
    for (let n = 1; n <= count; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (typeof item.str !== 'string') continue;
        // Items on one line are separate runs; keep them apart so two numbers never merge into one.
        if (text !== '' && !/\s$/.test(text) && item.str !== '' && !/^\s/.test(item.str)) text += ' ';
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      if (text.replace(/\s/g, '').length >= MIN_TEXT_CHARS) {
        pages.push({ page: n, text });
      } else {
        const viewport = page.getViewport({ scale: renderScale });
        const { canvas, context } = doc.canvasFactory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
        await page.render({ canvasContext: context, canvas, viewport }).promise;
        const png = canvas.toBuffer('image/png');
        pages.push({ page: n, image: png });
        doc.canvasFactory.destroy({ canvas, context });
      }
      page.cleanup();
    }
    return { pages, pageCount: doc.numPages };
  } finally {
    await doc.destroy();
  }
}

read(workerData).then(
  (result) => parentPort.postMessage(result),
  (e) => parentPort.postMessage({ notScanned: 'unreadable', detail: `PDF could not be read (${e && e.name ? e.name : 'error'})` }),
);
