// Japanese messages of the desktop screens. Spread into ja.ts; desktop.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const desktopJa = {
  desktop: {
    commands: {
      noAssessment: '評価を開いてから実行してください。',
      exportUnavailable: 'このバージョンではエクスポート画面をまだ利用できません。',
    },
    evidence: {
      dropHint: 'ファイルをここにドラッグ＆ドロップするか、「ファイルを追加」から選びます。',
    },
    reassess: {
      flagged: '基準パックの移行により再評価が必要です（{reason}）。',
      from: '移行元: {from}',
      confirmHint: '改訂後の基準に照らして結果を確認し、確定するか別の結果を選んでください。',
      confirm: '「{status}」で確定',
      recordHint: '結果を記録すると解消します。',
    },
  },
};

export default desktopJa;
