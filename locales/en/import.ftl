## Bulk upload of participants (XLSX/CSV) and the file with invites.

# The result file: sheets and columns.
import-sheet-invites = Invites
import-sheet-errors = Errors
import-col-row = Row
import-col-name = Full name
import-col-role = Role
import-col-class = Class or subject
import-col-category = Category
import-col-contacts = Contacts
import-col-link = Invite link
import-col-expires = Valid until
import-col-value = Value
import-col-reason = Reason


# Why a row was not imported.
import-error-name-missing = no full name
import-error-name-invalid = the full name must have a surname and a name: letters, spaces, hyphens, apostrophes and dots only, 3 to 120 characters
import-error-role-missing = no role
import-error-role-unknown = the role must be “mentor” or “mentee”
import-error-category-unknown = no such category
import-error-category-wrong-role = this category is for the other role
import-error-category-wrong-form = this category does not fit the programme's form of mentoring
import-error-text-too-long = text too long: class or subject up to 100 characters, contacts up to 200
import-error-duplicate = this person with this role is already in the file above

# The whole file was not imported.
error-import-too-large = The file is too large: upload a file of at most 2 MB.
error-import-format = Could not read the file. Send an Excel spreadsheet (.xlsx) or a CSV file.
error-import-empty = The file has no rows with participants.
error-import-no-header = Could not find the table header: one of the first 10 rows must have the columns “Full name” and “Role”.
error-import-too-many-rows = Too many rows: at most 500 participants per file. Split the list into several files.
hint-send-the-file = Send the list as a file (XLSX or CSV): attach it with 📎 as a document. Or press “Back”.
