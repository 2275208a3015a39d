// Japanese messages of the preview screens. Spread into ja.ts; preview.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const previewJa = {
  evidencePreview: {
    open: 'プレビュー',
    openLabel: '{name} をプレビュー',
    hide: 'プレビューを閉じる',
    region: '{name} のプレビュー',
    dialogTitle: 'エビデンスのプレビュー',
    close: '閉じる',
    loading: 'プレビューを読み込んでいます…',
    size: 'サイズ',
    type: '種類',
    sha256: 'SHA-256',
    unknownType: '不明',
    imageAlt: '{name} の画像',
    pdf: {
      toolbar: 'PDF の操作',
      previous: '前のページ',
      next: '次のページ',
      page: '{page} / {count} ページ',
      zoomIn: '拡大',
      zoomOut: '縮小',
      zoomReset: '100% に戻す',
      zoom: '表示倍率 {percent}%',
      canvas: '{name} の {page} ページ目（全 {count} ページ）',
      keys: 'Page Up / Page Down でページ移動、+ / − で拡大・縮小',
      rendering: 'ページを描画しています…',
      pageFailed: 'このページは表示できませんでした。ほかのページは表示できる場合があります。',
    },
    text: {
      label: '{name} の内容',
      truncated: '先頭の {shown} を表示しています（ファイル全体は {size}）。',
    },
    reason: {
      missing: '保存されたファイルが見つかりません。評価フォルダーから移動または削除されています。エビデンスを検証し、ファイルを改めて収集してください。',
      modified: '保存されたファイルが SHA-256 と一致しません。収集後に変更されたため表示しません。エビデンスを検証し、元のファイルを改めて収集してください。',
      tooLarge: 'このファイル（{size}）はプレビューの上限（{limit}）を超えています。アプリの外で開いて確認してください。SHA-256 でファイルを特定できます。',
      tooManyPixels: 'この画像は {width} × {height} ピクセルで、アプリで表示できる大きさ（{max} メガピクセル）を超えています。アプリの外で開いて確認してください。',
      unsupported: 'この種類のファイルはアプリ内でプレビューできません。SHA-256 でファイルを特定できます。',
      svg: 'SVG 画像はスクリプトを含むことがあるため、プレビューしません。',
      empty: 'ファイルは空です（0 バイト）。',
      unreadable: 'ファイルを読み取れませんでした。ディスクを確認してから、もう一度お試しください。',
      failed: 'プレビューを読み込めませんでした。',
      pdfFailed: 'この PDF は表示できませんでした。ファイルが壊れている可能性があります。',
      pdfPassword: 'この PDF はパスワードで保護されているため、アプリ内には表示しません。',
      imageFailed: 'この画像は表示できませんでした。ファイルが壊れている可能性があります。',
    },
    retry: '再試行',
  },
};

export default previewJa;
