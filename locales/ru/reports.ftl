## /report: files for curators, coordinators and admins

command-report = Отчёты (XLSX)
report-title-mentors = База наставников
report-title-mentees = База наставляемых
report-title-meetings = Журнал встреч
report-title-surveys = Итоги анкет
report-choose-place = По какой организации нужен отчёт?
report-choose = Выберите отчёт — файл придёт сюда одним документом.
report-preparing = ⏳ Готовлю файл «{ $title }»… Он придёт отдельным сообщением через минуту.
report-another = 📄 Другой отчёт
report-caption = 📎 { $title } — { $place }, { $date }
report-unknown = Такого отчёта больше нет. Откройте /report ещё раз.
report-denied = Отчёт не подготовлен: у вас больше нет доступа к этой организации.
report-not-staff = { $young ->
    [yes] Отчёты (/report) готовят кураторы школ и координаторы. Твоя пара, встречи и план — в главном меню.
   *[no] Отчёты (/report) готовят кураторы школ и координаторы муниципалитетов. Если вы наставник или наставляемый, ваши встречи и план — в главном меню.
}
error-report-unknown = Такого отчёта нет. Выберите отчёт кнопкой.
report-anonymous = (выбывший участник)
report-age-minor = до 18 лет
report-meeting-planned = запланирована
report-meeting-held = состоялась
report-meeting-cancelled = не состоялась
report-col-school = Школа
report-col-name = ФИО
report-col-contacts = Контакты
report-col-mentor-category = Категория наставника
report-col-competences = Компетенции
report-col-interests = Интересы
report-col-form = Форма наставничества
report-col-programme = Программа
report-col-joined = Дата вхождения
report-col-mentees = Наставляемые
report-col-meetings = Встреч проведено
report-col-plan = План развития: выполнено
report-col-rating = Средняя оценка встреч (1–5)
report-col-mentees-growth = Изменение наставляемых вход→выход
report-col-satisfaction = Удовлетворённость (0–100)
report-col-status = Статус
report-col-age = Класс / возраст
report-col-request = Запрос
report-col-mentee-category = Категория наставляемого
report-col-mentor = Наставник
report-col-growth = Изменение вход→выход
report-col-date = Дата
report-col-time = Время
report-col-pair = Пара (наставник — наставляемые)
report-col-kind = Тип встречи
report-col-duration = Длительность, мин
report-col-format = Формат
report-col-topic = Тема
report-col-outcome = Итог
report-col-meeting-status = Статус встречи
report-col-confirmed = Подтвердили наставляемые
report-col-disputed = Оспорена
report-col-ratings = Оценки
report-col-comments = Комментарии для куратора
