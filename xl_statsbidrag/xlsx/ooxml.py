"""The names of the Office Open XML package, defined once: namespaces, relationship types and
content types (ECMA-376), and the characters XML 1.0 cannot hold."""
import re

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_STYLES = NS_R + "/styles"
REL_THEME = NS_R + "/theme"
REL_TABLE = NS_R + "/table"
REL_CALC_CHAIN = NS_R + "/calcChain"
REL_CUSTOM_PROPS = NS_R + "/custom-properties"
REL_EXTENDED_PROPS = NS_R + "/extended-properties"
REL_VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

_CT = "application/vnd.openxmlformats-officedocument."
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"
CT_WORKBOOK = _CT + "spreadsheetml.sheet.main+xml"
CT_WORKSHEET = _CT + "spreadsheetml.worksheet+xml"
CT_STYLES = _CT + "spreadsheetml.styles+xml"
CT_THEME = _CT + "theme+xml"
CT_TABLE = _CT + "spreadsheetml.table+xml"
CT_CUSTOM_PROPS = _CT + "custom-properties+xml"

# Digital signatures: the package's (ECMA-376 part 2 §13, XML-DSig) and a VBA project's ([MS-OVBA] 2.3.2;
# the relationship types of the VBA signature parts are matched by their last segment, whose spelling
# and year differ between Office versions).
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"
_DIGSIG = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/"
REL_SIGNATURE_ORIGIN = _DIGSIG + "origin"
REL_SIGNATURE = _DIGSIG + "signature"
REL_SIGNATURE_CERTIFICATE = _DIGSIG + "certificate"
CT_SIGNATURE_ORIGIN = "application/vnd.openxmlformats-package.digital-signature-origin"
CT_SIGNATURE = "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"
VBA_SIGNATURE_KINDS = ("vbaprojectsignature", "vbaprojectsignatureagile", "vbaprojectsignaturev3")

FMTID_USER = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id of user-defined document properties

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
