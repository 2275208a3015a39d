// Japanese messages. The shape of this file is the message schema: en.ts must have exactly
// the same keys (the type checker and i18n/messages.test.ts both enforce it).
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const ja = {
  app: {
    name: 'TF Assessor',
    tagline: 'トラストフレームワーク適合性評価',
    preview: 'ブラウザプレビュー',
    version: 'バージョン {version}',
  },
  a11y: {
    skipToMain: 'メインコンテンツへ移動',
    sections: 'セクション',
  },
  language: {
    label: '表示言語',
    system: '自動',
    systemHint: 'OS の言語（{language}）に合わせます',
    changed: '表示言語を日本語に切り替えました。',
  },
  nav: {
    start: 'はじめに',
    recent: '最近の評価',
    packs: '基準パック',
  },
  start: {
    title: 'はじめに',
    lead: 'アイデンティティ・トラストフレームワークの基準に照らして組織を評価します。基準パックを選び、証跡を集め、保証レベルを判定して署名付きレポートを作成します。',
    actionsHeading: '作業を選ぶ',
  },
  actions: {
    new: {
      title: '新規評価',
      description: 'インストール済みの基準パックから新しい評価を始めます。',
    },
    open: {
      title: '評価を開く',
      description: 'このコンピューターに保存した評価の続きを行います。',
    },
    import: {
      title: '提出パッケージを取り込む',
      description: '認証のために提出された .tfpkg パッケージを検証して確認します。',
    },
    comingSoon: '今後のバージョンで対応',
    notAvailable: '「{action}」は今後のバージョンで利用できるようになります。',
  },
  recent: {
    heading: '最近の評価',
    empty: 'まだ評価はありません。評価を作成するか開くと、ここに表示されます。',
    updated: '更新日時 {date}',
    openHint: '開く',
  },
  packs: {
    heading: 'インストール済みの基準パック',
    empty: '基準パックがインストールされていません。',
    criteria: '基準 {n} 件',
    dimensions: '評価軸',
    origin: {
      builtin: '組み込み',
      user: 'ユーザー追加',
    },
  },
  common: {
    loading: '読み込み中…',
    dismiss: '閉じる',
    unavailable: '読み込めませんでした。',
    retry: '再試行',
  },
  errors: {
    detail: '詳細: {message}',
    context: {
      info: 'アプリの情報を読み込めませんでした。',
      settings: '設定を読み込めなかったため、既定の設定を使っています。',
      saveSettings: '表示言語の設定を保存できませんでした。',
      packs: 'インストール済みの基準パックを一覧できませんでした。',
      recent: '最近の評価を一覧できませんでした。',
    },
    code: {
      'bad-request': '要求が受け付けられませんでした。',
      forbidden: 'アクセスが拒否されました。ブラウザプレビューでは、npm run preview が表示したアドレスを開き直してください。',
      'not-found': '対象が見つかりませんでした。',
      conflict: '別の場所で変更されています。読み込み直してからやり直してください。',
      io: 'ファイルまたは接続を読み書きできませんでした。もう一度お試しください。',
      'disk-full': 'ディスクの空き容量が不足しています。空きを作ってからやり直してください。',
      'read-only': 'フォルダーが読み取り専用です。書き込めるフォルダーを選んでください。',
      'invalid-input': '入力内容が正しくありません。',
      internal: '予期しないエラーが発生しました。問題として報告してください。',
    },
  },
};

export type Messages = typeof ja;
export default ja;
