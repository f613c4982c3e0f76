/**
 * Legal forms that `company-name` strips from a name's end (and, for a few, its
 * start) before comparing: "Acme SAS", "ACME S.A.S." and "Acme" share the key `acme`.
 * Data, not code: extend the list here and in docs/transforms.md. Spellings are
 * compared after the same normalisation as names (accents, case, punctuation), with
 * the spaces between their words ignored, so `S.à r.l.`, `Sàrl` and `S A R L` are one
 * spelling.
 */

/** One legal form. */
export interface LegalForm {
  /** How `full` keys write it, whatever the spelling: `sarl`, `ltd`. */
  readonly id: string;
  /** Spellings people use, e.g. `Ltd`, `Limited`. */
  readonly spellings: readonly string[];
  /** Where it is stripped: `end` (most forms), or `either` end where it is usual in front too (`AB Volvo`). */
  readonly at: 'end' | 'either';
  /** Where the form is used, for the docs. */
  readonly where: string;
}

type Make = (id: string, where: string, ...spellings: string[]) => LegalForm;
const end: Make = (id, where, ...spellings) => ({ id, spellings, at: 'end', where });
const either: Make = (id, where, ...spellings) => ({ id, spellings, at: 'either', where });

/** The legal forms stripped by `company-name`, in the order docs/transforms.md lists them. */
export const LEGAL_FORMS: readonly LegalForm[] = [
  end('inc', 'US, CA', 'Inc', 'Inc.', 'Incorporated'),
  end('corp', 'US', 'Corp', 'Corp.', 'Corporation'),
  end('co', 'everywhere', 'Co', 'Co.', 'Company', '& Co', '& Co.', 'and Company'),
  end('ltd', 'UK, IE, AU, IN, ...', 'Ltd', 'Ltd.', 'Limited'),
  end('plc', 'UK, IE', 'PLC', 'Public Limited Company'),
  end('llc', 'US', 'LLC', 'L.L.C.'),
  end('llp', 'UK, US', 'LLP', 'L.L.P.'),
  end('lp', 'US, UK', 'LP', 'L.P.'),
  end('gmbh', 'DE, AT, CH', 'GmbH', 'Gesellschaft mit beschränkter Haftung'),
  end('ag', 'DE, AT, CH', 'AG', 'Aktiengesellschaft'),
  end('kg', 'DE, AT', 'KG', 'Kommanditgesellschaft'),
  end('se', 'EU', 'SE', 'Societas Europaea'),
  end('sa', 'FR, BE, ES, CH, LU, ...', 'SA', 'S.A.', 'Société anonyme', 'Sociedad anónima'),
  end('sas', 'FR', 'SAS', 'S.A.S.', 'Société par actions simplifiée'),
  end('sasu', 'FR', 'SASU', 'S.A.S.U.'),
  end('sarl', 'FR, LU, CH', 'SARL', 'S.à r.l.', 'S.A.R.L.', 'Société à responsabilité limitée'),
  end('eurl', 'FR', 'EURL', 'E.U.R.L.'),
  end('bv', 'NL, BE', 'BV', 'B.V.', 'Besloten vennootschap'),
  end('nv', 'NL, BE', 'NV', 'N.V.', 'Naamloze vennootschap'),
  end('spa', 'IT', 'SpA', 'S.p.A.', 'Società per azioni'),
  end('srl', 'IT, RO', 'Srl', 'S.r.l.', 'Società a responsabilità limitata'),
  either('oy', 'FI', 'Oy', 'Oyj', 'Osakeyhtiö'),
  either('ab', 'SE, FI', 'AB', 'Aktiebolag'),
  end('as', 'NO, DK, EE', 'AS', 'A/S', 'ASA'),
  end('aps', 'DK', 'ApS'),
  end('pty', 'AU, ZA', 'Pty', 'Pty.', 'Proprietary'),
  end('kk', 'JP', 'KK', 'K.K.', 'Kabushiki Kaisha'),
];
