/**
 * The evidence files of `tf-assessor demo`, made in code so the demo needs nothing but the
 * CLI: a procedure and a policy (Markdown), a record sample (CSV), a screenshot (PNG, drawn
 * pixel by pixel) and a policy document (PDF, pdf-lib). All content is fictional.
 */
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

export const PROOFING_PROCEDURE_MD = `# 身元確認規程(抜粋)

株式会社サンプルID 規程番号 SEC-IDP-003 第4版(2025年12月1日改定)

## 1. 目的
本規程は、サンプルID の利用登録時に行う身元確認の手順を定める。

## 2. 身元確認の方法
1. 利用者はスマートフォンアプリでマイナンバーカードの IC チップを読み取る。
2. 券面事項入力補助用 AP の情報と、署名用電子証明書による電子署名を検証する。
3. 署名用電子証明書の失効確認を J-LIS の失効情報で行う。
4. 照合結果と確認日時を本人確認記録に残す(保存期間 7 年)。

## 3. 禁止事項
- 知識ベース認証(秘密の質問等)を身元確認に用いてはならない。
- 個人番号(マイナンバー)を取得・保存してはならない。
`;

export const AUTHENTICATION_POLICY_MD = `# 認証ポリシー

株式会社サンプルID 規程番号 SEC-IDP-005 第2版

## パスワード
- 最小 12 文字、最大 64 文字。文字種の組合せは強制しない。
- 登録時及び変更時に漏洩パスワードリストと照合する。
- 保存には Argon2id(メモリ 64 MiB、反復 3)とソルトを用いる。

## 多要素認証
- AAL2 では TOTP 又はパスキーを必須とする。
- フィッシング耐性のある選択肢としてパスキーを提供する。

## 試行回数の制限
- 連続 50 回の失敗でアカウントを一時ロックする(※評価時点)。
`;

const RECORD_HEADER = ['record_id', 'verified_at', 'method', 'evidence', 'signature_check', 'revocation_check', 'operator'];

/** A record sample: 20 proofing records with fictional ids (no personal data). */
export function proofingRecordsCsv(): string {
  const rows = [RECORD_HEADER.join(',')];
  for (let i = 1; i <= 20; i++) {
    const day = String(1 + ((i * 3) % 28)).padStart(2, '0');
    const hour = String(9 + (i % 9)).padStart(2, '0');
    rows.push(
      [
        `PR-2026-${String(1000 + i)}`,
        `2026-01-${day}T${hour}:${String((i * 7) % 60).padStart(2, '0')}:00+09:00`,
        'ic-chip+jpki-signature',
        'my-number-card',
        i === 13 ? 'retry-ok' : 'ok',
        'ok',
        i % 2 === 0 ? 'system' : 'system(review:OP-07)',
      ].join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A 480×320 screenshot of an "MFA enrollment" screen: header bar, card, QR-like code,
 * code input boxes and a button, drawn as RGB pixels and encoded as PNG.
 */
export function mfaScreenshotPng(): Buffer {
  const width = 480;
  const height = 320;
  const px = Buffer.alloc(width * height * 3, 0xf3);
  const fill = (x0: number, y0: number, w: number, h: number, [r, g, b]: [number, number, number]): void => {
    for (let y = y0; y < Math.min(height, y0 + h); y++) {
      for (let x = x0; x < Math.min(width, x0 + w); x++) {
        const o = (y * width + x) * 3;
        px[o] = r;
        px[o + 1] = g;
        px[o + 2] = b;
      }
    }
  };
  fill(0, 0, width, 40, [0x1f, 0x4e, 0x8c]); // header bar
  fill(16, 12, 90, 16, [0xff, 0xff, 0xff]); // logo block
  fill(40, 60, 400, 240, [0xff, 0xff, 0xff]); // card
  fill(40, 60, 400, 2, [0xd0, 0xd7, 0xe1]);
  fill(64, 80, 200, 12, [0x33, 0x33, 0x33]); // heading text line
  fill(64, 100, 300, 6, [0x99, 0x99, 0x99]); // body text lines
  fill(64, 112, 260, 6, [0x99, 0x99, 0x99]);
  // A QR-like code: a deterministic pattern with the three finder squares.
  const qx = 64;
  const qy = 130;
  const cell = 5;
  let seed = 0x5eed;
  for (let cy = 0; cy < 25; cy++) {
    for (let cx = 0; cx < 25; cx++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      if (seed & 0x100) fill(qx + cx * cell, qy + cy * cell, cell, cell, [0, 0, 0]);
    }
  }
  for (const [fx, fy] of [
    [0, 0],
    [18, 0],
    [0, 18],
  ] as const) {
    fill(qx + fx * cell, qy + fy * cell, 7 * cell, 7 * cell, [0, 0, 0]);
    fill(qx + (fx + 1) * cell, qy + (fy + 1) * cell, 5 * cell, 5 * cell, [0xff, 0xff, 0xff]);
    fill(qx + (fx + 2) * cell, qy + (fy + 2) * cell, 3 * cell, 3 * cell, [0, 0, 0]);
  }
  for (let i = 0; i < 6; i++) fill(216 + i * 34, 150, 28, 36, [0xe8, 0xee, 0xf6]); // code boxes
  fill(216, 210, 196, 36, [0x1f, 0x4e, 0x8c]); // button
  fill(270, 225, 88, 6, [0xff, 0xff, 0xff]);
  // Each scanline starts with filter byte 0 (none).
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An information security policy (excerpt) as a one-page PDF. */
export async function securityPolicyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Information Security Policy (excerpt) - Sample ID Inc.');
  doc.setAuthor('Sample ID Inc. Information Security Committee');
  doc.setSubject('Evidence for a TF Assessor demo assessment');
  doc.setProducer('tf-assessor demo');
  doc.setCreationDate(new Date('2025-04-01T00:00:00Z'));
  doc.setModificationDate(new Date('2025-04-01T00:00:00Z'));
  const page = doc.addPage([595.28, 841.89]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let y = 780;
  const line = (text: string, size = 11, f = font): void => {
    page.drawText(text, { x: 56, y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
    y -= size + 8;
  };
  line('Sample ID Inc.', 10);
  line('Information Security Policy (excerpt)', 18, bold);
  line('Document SEC-000, version 5, approved by the Board on 2025-03-24', 10);
  y -= 10;
  const sections: [string, string[]][] = [
    ['1. Scope', ['This policy covers the Sample ID identity service, its staff, contractors and', 'the data centres and cloud services it runs on.']],
    ['2. Management system', ['Sample ID operates an ISMS certified to ISO/IEC 27001:2022', '(certificate ISMS-0000-DEMO, valid until 2027-05-31).']],
    ['3. Security events', ['Security events are recorded centrally and kept for at least 13 months.', 'Logs are protected against alteration and reviewed daily.']],
    ['4. Incidents', ['Incidents are handled under procedure SEC-IR-002. Affected users and relying', 'parties are notified without undue delay, at the latest within 72 hours.']],
    ['5. Staff', ['Staff with access to identity data are screened before hiring and trained', 'every year; completion is recorded by the HR system.']],
  ];
  for (const [heading, body] of sections) {
    line(heading, 12, bold);
    for (const b of body) line(b);
    y -= 6;
  }
  return doc.save({ useObjectStreams: false });
}
