// Reading what a file shows (issue 13). Text read here stays inside the activity that asked for it.
export { downloadAttachment, type Download, type DownloadOptions } from './download';
export { createFileReader, Semaphore, type FileReader } from './reader';
export { sniffType } from './sniff';
export * from './types';
