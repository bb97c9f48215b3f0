"""Digitally signed workbooks made for the tests, with the structure Office gives them (ECMA-376 part 2
§13; [MS-OVBA] 2.3.2): the signature origin related from the package root, an XML-DSig signature part
related from the origin whose manifest names the parts it covers, the signer's X.509 certificate (a
self-signed one) in KeyInfo, the signing time among its properties; a VBA project's signature as the
parts related from ``vbaProject.bin``.  The signatures do not verify (the digests and the signature
value are made up): detection is structural, as the tool's is.
"""
from __future__ import annotations

import base64
import datetime as dt
import zipfile
from pathlib import Path

from lxml import etree

CT_ORIGIN = "application/vnd.openxmlformats-package.digital-signature-origin"
CT_SIGNATURE = "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"
DIGSIG = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SIGNER = "Eva Ekonomichef"
SIGNED_AT = "2026-03-02T09:15:00Z"


def certificate(common_name: str = SIGNER) -> str:
    """A self-signed certificate (base64 DER), as Office puts the signer's in KeyInfo."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Region Jämtland Härjedalen")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode()


def signature_xml(covered: dict[str, str]) -> bytes:
    """An XML-DSig signature in Office's shape over the parts ``covered`` ({part: content type})."""
    refs = "".join(
        f'<Reference URI="/{part}?ContentType={ctype}"><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<DigestValue>{base64.b64encode(part.encode()).decode()}</DigestValue></Reference>"
        for part, ctype in covered.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="idPackageSignature"><SignedInfo>'
        '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
        '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        '<Reference Type="http://www.w3.org/2000/09/xmldsig#Object" URI="#idPackageObject">'
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>AAAA</DigestValue></Reference>'
        '</SignedInfo><SignatureValue>bm90IGEgcmVhbCBzaWduYXR1cmU=</SignatureValue>'
        f"<KeyInfo><X509Data><X509Certificate>{certificate()}</X509Certificate></X509Data></KeyInfo>"
        '<Object Id="idPackageObject"><Manifest>' + refs + '</Manifest><SignatureProperties>'
        '<SignatureProperty Id="idSignatureTime" Target="#idPackageSignature">'
        '<mdssi:SignatureTime xmlns:mdssi="http://schemas.openxmlformats.org/package/2006/digital-signature">'
        f"<mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format><mdssi:Value>{SIGNED_AT}</mdssi:Value>"
        "</mdssi:SignatureTime></SignatureProperty></SignatureProperties></Object></Signature>").encode()


def _types(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    return {o.get("PartName").lstrip("/"): o.get("ContentType") for o in root.iter(f"{{{NS_CT}}}Override")}


def sign(source: Path, target: Path, vba: bool = False, package: bool = True) -> Path:
    """``target``: ``source`` with a package signature over its workbook, styles and sheets (and, with
    ``vba``, a signed VBA project: the three signature parts Office 2021 writes)."""
    with zipfile.ZipFile(source) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    rels = etree.fromstring(parts["_rels/.rels"])
    if package:
        overrides = _types(parts["[Content_Types].xml"])
        covered = {p: overrides.get(p, "application/xml") for p in parts
                   if p == "xl/workbook.xml" or p == "xl/styles.xml" or p.startswith("xl/worksheets/sheet")}
        covered["_rels/.rels"] = "application/vnd.openxmlformats-package.relationships+xml"
        parts["_xmlsignatures/origin.sigs"] = b""
        parts["_xmlsignatures/sig1.xml"] = signature_xml(covered)
        parts["_xmlsignatures/_rels/origin.sigs.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{NS_REL}"><Relationship Id="rId1" Type="{DIGSIG}signature" '
            'Target="sig1.xml"/></Relationships>').encode()
        etree.SubElement(rels, f"{{{NS_REL}}}Relationship", Id="rIdSig", Type=DIGSIG + "origin",
                         Target="_xmlsignatures/origin.sigs")
        etree.SubElement(types, f"{{{NS_CT}}}Default", Extension="sigs", ContentType=CT_ORIGIN)
        etree.SubElement(types, f"{{{NS_CT}}}Override", PartName="/_xmlsignatures/sig1.xml", ContentType=CT_SIGNATURE)
    if vba:
        kinds = [("vbaProjectSignature.bin", "http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature",
                  "application/vnd.ms-office.vbaProjectSignature"),
                 ("vbaProjectSignatureAgile.bin",
                  "http://schemas.microsoft.com/office/2014/relationships/vbaProjectSignatureAgile",
                  "application/vnd.ms-office.vbaProjectSignatureAgile"),
                 ("vbaProjectSignatureV3.bin",
                  "http://schemas.microsoft.com/office/2020/07/relationships/vbaProjectSignatureV3",
                  "application/vnd.ms-office.vbaProjectSignatureV3")]
        vba_rels = "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="{name}"/>'
                           for i, (name, kind, _) in enumerate(kinds, start=1))
        parts["xl/_rels/vbaProject.bin.rels"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                                 f'<Relationships xmlns="{NS_REL}">{vba_rels}</Relationships>').encode()
        for name, _, ctype in kinds:
            parts[f"xl/{name}"] = b"\x30\x82" + name.encode() * 8  # a DigSigInfoSerialized stand-in
            etree.SubElement(types, f"{{{NS_CT}}}Override", PartName=f"/xl/{name}", ContentType=ctype)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target
