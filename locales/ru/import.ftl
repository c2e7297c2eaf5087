## Массовая загрузка участников (XLSX/CSV) и файл с приглашениями.

# Файл с результатом: листы и столбцы.
import-sheet-invites = Приглашения
import-sheet-errors = Ошибки
import-col-row = Строка
import-col-name = ФИО
import-col-role = Роль
import-col-class = Класс или предмет
import-col-category = Категория
import-col-contacts = Контакты
import-col-link = Ссылка-приглашение
import-col-expires = Действует до
import-col-value = Значение
import-col-reason = Причина


# Почему строка не загружена.
import-error-name-missing = нет ФИО
import-error-name-invalid = ФИО должно состоять из фамилии и имени: только буквы, пробел, дефис, апостроф и точка, от 3 до 120 символов
import-error-role-missing = нет роли
import-error-role-unknown = роль должна быть «наставник» или «наставляемый»
import-error-category-unknown = нет такой категории
import-error-category-wrong-role = эта категория для другой роли
import-error-category-wrong-form = эта категория не подходит к форме наставничества программы
import-error-text-too-long = слишком длинный текст: класс или предмет — до 100 символов, контакты — до 200
import-error-duplicate = этот человек с этой ролью уже есть в файле выше

# Файл целиком не загружен.
error-import-too-large = Файл слишком большой: загрузите файл до 2 МБ.
error-import-format = Не удалось прочитать файл. Пришлите таблицу Excel (.xlsx) или CSV.
error-import-empty = В файле нет строк с участниками.
error-import-no-header = Не нашёл заголовок таблицы: в одной из первых 10 строк должны быть столбцы «ФИО» и «Роль».
error-import-too-many-rows = Слишком много строк: в одном файле — не больше 500 участников. Разделите список на несколько файлов.
hint-send-the-file = Пришлите файл со списком (XLSX или CSV) — как документ, скрепкой 📎. Или нажмите «Назад».
